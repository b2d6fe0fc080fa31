package io.wharf.oci.policy.vuln;

import io.wharf.oci.model.Annotations;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The referrer that attaches a vulnerability report to an image, as OCI image-spec 1.1's artifact
 * guidance describes it: an image manifest whose {@code artifactType} is the report format's media
 * type, whose config is the empty descriptor ({@code application/vnd.oci.empty.v1+json}, the bytes
 * {@code {}}), whose one layer is the report (of the same media type), whose {@code subject} is the
 * image, and whose {@code org.opencontainers.image.created} annotation says when the report was
 * made. The registry lists it among the image's referrers (end-12a), filtered by {@code
 * artifactType} (end-12b).
 *
 * <p>{@link #manifest()} holds the manifest's bytes (canonical JSON written once by {@link
 * ManifestCodec}; its digest is theirs) and {@link #blobs()} what must be pushed before it: the
 * empty config and the report.
 *
 * @param manifest the referrer manifest, as bytes with their digest
 * @param blobs the blobs it refers to, config first, each with its bytes
 */
public record ReportArtifacts(RawManifest manifest, List<Blob> blobs) {

  /** The largest report attached (the limit of {@code ScannerClient}'s reports, 32 MiB). */
  public static final int MAX_REPORT_BYTES = 32 << 20;

  /**
   * A blob to push, with its descriptor.
   *
   * @param descriptor its media type, digest and size
   * @param content its bytes
   */
  public record Blob(Descriptor descriptor, Bytes content) {
    /** Checks that the bytes are what the descriptor says. */
    public Blob {
      Objects.requireNonNull(descriptor, "descriptor");
      Objects.requireNonNull(content, "content");
      if (descriptor.size() != content.size()
          || !descriptor
              .digest()
              .equals(Digest.of(descriptor.digest().requireAlgorithm(), content))) {
        throw new IllegalArgumentException("the blob's bytes are not those of " + descriptor);
      }
    }
  }

  /** Copies. */
  public ReportArtifacts {
    Objects.requireNonNull(manifest, "manifest");
    blobs = List.copyOf(blobs);
  }

  /**
   * The referrer that attaches {@code report}, of {@code format}, to {@code subject}, made at
   * {@code created}.
   *
   * @param format the report's format; its media type is the {@code artifactType} and the layer's
   *     media type
   * @param report the report's bytes, exactly as the scanner made them
   * @param subject the image (manifest or index) the report is about; only its media type, digest
   *     and size are kept
   * @param created when the report was made (the {@code org.opencontainers.image.created}
   *     annotation, RFC 3339 in UTC)
   * @throws IllegalArgumentException when the report is empty or larger than {@value
   *     #MAX_REPORT_BYTES} bytes, or the subject is not a manifest
   */
  public static ReportArtifacts of(
      ReportFormat format, Bytes report, Descriptor subject, Instant created) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(created, "created");
    if (report.isEmpty() || report.size() > MAX_REPORT_BYTES) {
      throw new IllegalArgumentException(
          "a report has 1 to " + MAX_REPORT_BYTES + " bytes, not " + report.size());
    }
    if (!subject.mediaType().isManifest()) {
      throw new IllegalArgumentException(
          "a report's subject is a manifest or an index, not a " + subject.mediaType());
    }
    MediaType type = format.mediaType();
    Descriptor layer = Descriptor.of(type, report);
    Descriptor config = Descriptor.EMPTY_JSON.withoutData();
    ImageManifest manifest =
        ImageManifest.artifact(type, List.of(layer))
            .withSubject(Descriptor.of(subject.mediaType(), subject.digest(), subject.size()))
            .withAnnotations(Map.of(Annotations.CREATED, created.toString()));
    return new ReportArtifacts(
        ManifestCodec.defaults().encode(manifest),
        List.of(new Blob(config, Bytes.utf8("{}")), new Blob(layer, report)));
  }

  /** The descriptor of the report layer. */
  public Descriptor report() {
    return blobs.get(blobs.size() - 1).descriptor();
  }
}
