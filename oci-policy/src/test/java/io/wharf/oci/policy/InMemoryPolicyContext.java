package io.wharf.oci.policy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A repository in memory, as a registry would show it to a policy: manifests by digest, tags,
 * referrers listed as the referrers API lists them (the effective artifact type, the manifest's
 * annotations) in the order pushed, and blobs. Counts blob reads; can be told to fail a blob read
 * with an {@link IOException}, as a broken disk would.
 */
public final class InMemoryPolicyContext implements PolicyContext {

  private final RepositoryName repository;
  private final Map<Digest, RawManifest> manifests = new LinkedHashMap<>();
  private final Map<Tag, Digest> tags = new HashMap<>();
  private final Map<Digest, Bytes> blobs = new HashMap<>();
  private final Set<Digest> failing = ConcurrentHashMap.newKeySet();
  private final Map<Digest, Integer> reads = new ConcurrentHashMap<>();
  private final List<Dangling> danglingReferrers = new ArrayList<>();

  private record Dangling(Digest subject, Descriptor referrer) {}

  /** An empty repository {@code name}. */
  public InMemoryPolicyContext(String name) {
    this.repository = RepositoryName.of(name);
  }

  /** Stores {@code content} as a blob; returns its digest. */
  public Digest putBlob(Bytes content) {
    Digest digest = Digest.sha256(content);
    blobs.put(digest, content);
    return digest;
  }

  /** Forgets blob {@code digest}. */
  public void deleteBlob(Digest digest) {
    blobs.remove(digest);
  }

  /** Stores {@code manifest}, encoded; returns it. */
  public RawManifest putManifest(Manifest manifest) {
    return putManifest(ManifestCodec.defaults().encode(manifest));
  }

  /** Stores {@code raw} as it is; returns it. */
  public RawManifest putManifest(RawManifest raw) {
    manifests.put(raw.digest(), raw);
    return raw;
  }

  /** Forgets manifest {@code digest} (its referrer entry stays, as a dangling one would). */
  public void forgetManifestKeepingReferrer(Digest digest, Descriptor subject) {
    RawManifest raw = manifests.remove(digest);
    danglingReferrers.add(new Dangling(subject.digest(), referrerDescriptor(raw)));
  }

  /** Points {@code tag} at {@code digest}. */
  public void tag(String tag, Digest digest) {
    tags.put(Tag.of(tag), digest);
  }

  /** Makes every later read of blob {@code digest} fail with an {@link IOException}. */
  public void failReadsOf(Digest digest) {
    failing.add(digest);
  }

  /** How often blob {@code digest} was opened. */
  public int readsOf(Digest digest) {
    return reads.getOrDefault(digest, 0);
  }

  /** How many blobs were opened in all. */
  public int reads() {
    return reads.values().stream().mapToInt(Integer::intValue).sum();
  }

  @Override
  public RepositoryName repository() {
    return repository;
  }

  @Override
  public Optional<RawManifest> manifest(Digest digest) {
    return Optional.ofNullable(manifests.get(digest));
  }

  @Override
  public Optional<Digest> resolve(Tag tag) {
    return Optional.ofNullable(tags.get(tag));
  }

  @Override
  public List<Tag> tagsOf(Digest digest) {
    return tags.entrySet().stream()
        .filter(e -> e.getValue().equals(digest))
        .map(Map.Entry::getKey)
        .sorted((a, b) -> a.value().compareTo(b.value()))
        .toList();
  }

  @Override
  public List<Descriptor> referrers(Digest subject, Optional<MediaType> artifactType) {
    List<Descriptor> found = new ArrayList<>();
    for (RawManifest raw : manifests.values()) {
      Manifest parsed = raw.parse();
      if (parsed.subject().isPresent() && parsed.subject().get().digest().equals(subject)) {
        found.add(referrerDescriptor(raw));
      }
    }
    for (Dangling dangling : danglingReferrers) {
      if (dangling.subject.equals(subject)) {
        found.add(dangling.referrer);
      }
    }
    if (artifactType.isPresent()) {
      found.removeIf(d -> !d.artifactType().map(t -> t.is(artifactType.get())).orElse(false));
    }
    return found;
  }

  @Override
  public InputStream openBlob(Digest digest) throws IOException {
    reads.merge(digest, 1, Integer::sum);
    if (failing.contains(digest)) {
      throw new IOException("blob " + digest + " cannot be read");
    }
    Bytes content = blobs.get(digest);
    if (content == null) {
      throw new NotFoundException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not here");
    }
    return content.openStream();
  }

  private static Descriptor referrerDescriptor(RawManifest raw) {
    Manifest parsed = raw.parse();
    Descriptor d = raw.descriptor().withAnnotations(parsed.annotations());
    return parsed.effectiveArtifactType().map(d::withArtifactType).orElse(d);
  }
}
