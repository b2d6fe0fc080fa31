package io.wharf.oci.policy.vuln;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.policy.PolicyContext;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Finds a manifest's vulnerability report among its referrers (OCI image-spec 1.1 artifacts whose
 * {@code subject} is the manifest), as Trivy's referrer plugin, {@code oras attach} and Wharf's own
 * scan-on-push attach them.
 *
 * <ol>
 *   <li>Lists the referrers ({@link PolicyContext#referrers}) and keeps those whose {@code
 *       artifactType} (the config's media type, for referrers without one, as the referrers API
 *       reports it) is a report's ({@link Reports#formatOf}).
 *   <li>Orders them newest first: by the annotation {@code org.opencontainers.image.created}, else
 *       {@code org.opencontainers.artifact.created} (which Trivy's referrer plugin writes), on the
 *       referrer's descriptor; a referrer without either (or with one that is not RFC 3339) is read
 *       first and dated by the report's own time ({@link VulnerabilityReport#generatedAt()}); one
 *       without any date ranks after all dated ones. Ties go to the larger digest text, so the
 *       choice is the same on every node.
 *   <li>Reads the newest: its manifest through the context, its report layer (the first layer whose
 *       media type is a report's, else the only layer, such as an {@code application/json} layer of
 *       an artifact typed as Trivy's report), the blob through {@link PolicyContext#openBlob} under
 *       the size bound, parsed as the layer's format, else the artifact type's ({@link
 *       Reports#parse(ReportFormat, InputStream, long)}).
 *   <li>A referrer that cannot be used (its manifest or blob is gone, it is an index, it has no
 *       report layer, the layer is larger than the bound, the report does not parse) is skipped and
 *       the next newest is tried; {@link Lookup#skipped()} says what was skipped and why. At most
 *       {@link #MAX_READS} reports are read per lookup, so a pile of broken referrers cannot make a
 *       policy read without end. When none can be used, there is no report.
 * </ol>
 *
 * <p>Storage failures ({@link IOException}) are not skipped: they propagate, so that a gate fails
 * rather than judging by an older report. Immutable and thread-safe.
 */
public final class ReferrerReports implements ReportSource {

  /** The most reports read (and parsed) in one lookup. */
  public static final int MAX_READS = 8;

  /** The annotation of image-spec 1.1 that dates a referrer. */
  public static final String CREATED = "org.opencontainers.image.created";

  /** The annotation of the withdrawn artifact manifest that Trivy's referrer plugin dates with. */
  public static final String ARTIFACT_CREATED = "org.opencontainers.artifact.created";

  private static final Comparator<Dated> NEWEST_FIRST =
      Comparator.comparing((Dated d) -> d.at.orElse(Instant.MIN))
          .thenComparing(d -> d.candidate.referrer.digest().toString())
          .reversed();

  private final long maxBytes;

  private ReferrerReports(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /** Reads reports of up to {@link Reports#DEFAULT_MAX_BYTES}. */
  public static ReferrerReports create() {
    return new ReferrerReports(Reports.DEFAULT_MAX_BYTES);
  }

  /**
   * Reads reports of up to {@code maxBytes} bytes.
   *
   * @throws IllegalArgumentException when {@code maxBytes} is not positive
   */
  public static ReferrerReports withMaxBytes(long maxBytes) {
    return new ReferrerReports(maxBytes);
  }

  /**
   * What a lookup found.
   *
   * @param report the newest report that could be read, if any
   * @param referrer the descriptor of the referrer it was read from
   * @param skipped the referrers that were skipped, each with why (one line each), newest first
   */
  public record Lookup(
      Optional<VulnerabilityReport> report, Optional<Descriptor> referrer, List<String> skipped) {

    /** Checks that a report comes with its referrer, and copies. */
    public Lookup {
      Objects.requireNonNull(report, "report");
      Objects.requireNonNull(referrer, "referrer");
      if (report.isPresent() != referrer.isPresent()) {
        throw new IllegalArgumentException("a report comes with the referrer it was read from");
      }
      skipped = List.copyOf(skipped);
    }
  }

  @Override
  public Optional<VulnerabilityReport> report(PolicyContext context, Digest manifest)
      throws IOException {
    return lookup(context, manifest).report();
  }

  /**
   * Finds the newest report of manifest {@code manifest} of {@code context}'s repository, with what
   * was skipped on the way.
   *
   * @throws IOException when the referrers, a manifest or a blob cannot be read
   */
  public Lookup lookup(PolicyContext context, Digest manifest) throws IOException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(manifest, "manifest");
    List<Candidate> annotated = new ArrayList<>();
    List<Candidate> undated = new ArrayList<>();
    for (Descriptor referrer : context.referrers(manifest, Optional.empty())) {
      Optional<ReportFormat> format = referrer.artifactType().flatMap(Reports::formatOf);
      if (format.isEmpty()) {
        continue;
      }
      Candidate candidate = new Candidate(referrer, format.get(), created(referrer));
      (candidate.created.isPresent() ? annotated : undated).add(candidate);
    }
    List<String> skipped = new ArrayList<>();
    int[] reads = {0};
    List<Dated> ordered = new ArrayList<>();
    for (Candidate candidate : annotated) {
      ordered.add(new Dated(candidate, candidate.created, null));
    }
    undated.sort(Comparator.comparing((Candidate c) -> c.referrer.digest().toString()).reversed());
    for (Candidate candidate : undated) {
      if (reads[0] >= MAX_READS) {
        skipped.add(describe(candidate) + ": not read, " + MAX_READS + " reports were read");
        continue;
      }
      reads[0]++;
      Attempt attempt = read(context, candidate);
      if (attempt.report == null) {
        skipped.add(describe(candidate) + ": " + attempt.problem);
      } else {
        ordered.add(new Dated(candidate, attempt.report.generatedAt(), attempt.report));
      }
    }
    ordered.sort(NEWEST_FIRST);
    for (Dated dated : ordered) {
      VulnerabilityReport report = dated.report;
      if (report == null) {
        if (reads[0] >= MAX_READS) {
          skipped.add(
              describe(dated.candidate) + ": not read, " + MAX_READS + " reports were read");
          continue;
        }
        reads[0]++;
        Attempt attempt = read(context, dated.candidate);
        if (attempt.report == null) {
          skipped.add(describe(dated.candidate) + ": " + attempt.problem);
          continue;
        }
        report = attempt.report;
      }
      return new Lookup(Optional.of(report), Optional.of(dated.candidate.referrer), skipped);
    }
    return new Lookup(Optional.empty(), Optional.empty(), skipped);
  }

  private Attempt read(PolicyContext context, Candidate candidate) throws IOException {
    Optional<RawManifest> raw = context.manifest(candidate.referrer.digest());
    if (raw.isEmpty()) {
      return Attempt.failed("its manifest is not in the repository");
    }
    Manifest parsed;
    try {
      parsed = raw.get().parse();
    } catch (InvalidContentException e) {
      return Attempt.failed("its manifest is invalid: " + e.getMessage());
    }
    if (!(parsed instanceof ImageManifest)) {
      return Attempt.failed("it is an index, not a report");
    }
    List<Descriptor> layers = ((ImageManifest) parsed).layers();
    Descriptor layer = null;
    for (Descriptor candidateLayer : layers) {
      if (Reports.formatOf(candidateLayer.mediaType()).isPresent()) {
        layer = candidateLayer;
        break;
      }
    }
    if (layer == null && layers.size() == 1) {
      layer = layers.get(0);
    }
    if (layer == null) {
      return Attempt.failed("none of its " + layers.size() + " layers is a report");
    }
    if (layer.size() > maxBytes) {
      return Attempt.failed(
          "its report layer has " + layer.size() + " bytes, more than " + maxBytes);
    }
    ReportFormat format = Reports.formatOf(layer.mediaType()).orElse(candidate.format);
    try (InputStream in = context.openBlob(layer.digest())) {
      return new Attempt(Reports.parse(format, in, maxBytes), null);
    } catch (NotFoundException e) {
      return Attempt.failed("its report layer " + layer.digest() + " is not in the repository");
    } catch (InvalidContentException e) {
      return Attempt.failed("its report layer is invalid: " + e.getMessage());
    } catch (ReportException e) {
      return Attempt.failed("its " + format + " report cannot be read: " + e.getMessage());
    }
  }

  private static Optional<Instant> created(Descriptor referrer) {
    for (String key : List.of(CREATED, ARTIFACT_CREATED)) {
      Optional<String> value = referrer.annotation(key);
      if (value.isPresent()) {
        try {
          return Optional.of(
              OffsetDateTime.parse(value.get().strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                  .toInstant());
        } catch (DateTimeParseException e) {
          // not a date: try the next annotation, else date it by the report
        }
      }
    }
    return Optional.empty();
  }

  private static String describe(Candidate candidate) {
    MediaType type = candidate.referrer.artifactType().orElseThrow();
    return candidate.referrer.digest() + " (" + type + ")";
  }

  private record Candidate(Descriptor referrer, ReportFormat format, Optional<Instant> created) {}

  private record Dated(
      Candidate candidate, Optional<Instant> at, @Nullable VulnerabilityReport report) {}

  private record Attempt(@Nullable VulnerabilityReport report, @Nullable String problem) {
    static Attempt failed(String problem) {
      return new Attempt(null, problem.replace('\n', ' ').replace('\r', ' '));
    }
  }
}
