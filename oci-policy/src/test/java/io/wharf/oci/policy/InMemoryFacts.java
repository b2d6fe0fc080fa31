package io.wharf.oci.policy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.vuln.ReportSource;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A repository's facts in memory, for tests: manifests, tags, referrers; counts the reads, so a
 * test can check that a decision read nothing. Also a {@link ReportSource} over a map.
 */
class InMemoryFacts implements PolicyContext, ReportSource {

  private final RepositoryName repository;
  private final Map<Digest, RawManifest> manifests = new HashMap<>();
  private final Map<Tag, Digest> tags = new TreeMap<>();
  private final Map<Digest, List<Descriptor>> referrers = new HashMap<>();
  private final Map<Digest, VulnerabilityReport> reports = new HashMap<>();
  final AtomicInteger reads = new AtomicInteger();

  InMemoryFacts(String repository) {
    this.repository = RepositoryName.of(repository);
  }

  /** A fixture manifest from the test resources. */
  static RawManifest fixture(String name, MediaType mediaType) {
    try (InputStream in = InMemoryFacts.class.getResourceAsStream("/fixtures/manifests/" + name)) {
      return RawManifest.of(mediaType, Bytes.of(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  InMemoryFacts put(RawManifest manifest, String... tagNames) {
    manifests.put(manifest.digest(), manifest);
    for (String tag : tagNames) {
      tags.put(Tag.of(tag), manifest.digest());
    }
    return this;
  }

  /** Makes {@code digest} present, standing in with {@code manifest}'s bytes (an index's child). */
  InMemoryFacts putAs(Digest digest, RawManifest manifest) {
    manifests.put(digest, manifest);
    return this;
  }

  InMemoryFacts tag(String tag, Digest digest) {
    tags.put(Tag.of(tag), digest);
    return this;
  }

  InMemoryFacts report(Digest digest, VulnerabilityReport report) {
    reports.put(digest, report);
    return this;
  }

  InMemoryFacts referrer(Digest subject, Descriptor referrer) {
    referrers.computeIfAbsent(subject, d -> new ArrayList<>()).add(referrer);
    return this;
  }

  @Override
  public RepositoryName repository() {
    return repository;
  }

  @Override
  public Optional<RawManifest> manifest(Digest digest) {
    reads.incrementAndGet();
    return Optional.ofNullable(manifests.get(digest));
  }

  @Override
  public Optional<Digest> resolve(Tag tag) {
    reads.incrementAndGet();
    return Optional.ofNullable(tags.get(tag));
  }

  @Override
  public List<Tag> tagsOf(Digest digest) throws IOException {
    reads.incrementAndGet();
    List<Tag> found = new ArrayList<>();
    tags.forEach(
        (tag, d) -> {
          if (d.equals(digest)) {
            found.add(tag);
          }
        });
    return found;
  }

  @Override
  public List<Descriptor> referrers(Digest subject, Optional<MediaType> artifactType) {
    reads.incrementAndGet();
    return referrers.getOrDefault(subject, List.of()).stream()
        .filter(d -> artifactType.isEmpty() || d.artifactType().equals(artifactType))
        .toList();
  }

  @Override
  public InputStream openBlob(Digest digest) {
    throw new NotFoundException(ErrorCode.BLOB_UNKNOWN, "no blobs here: " + digest);
  }

  @Override
  public Optional<VulnerabilityReport> report(PolicyContext context, Digest manifest) {
    reads.incrementAndGet();
    return Optional.ofNullable(reports.get(manifest));
  }
}
