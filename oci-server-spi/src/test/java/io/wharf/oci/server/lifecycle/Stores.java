package io.wharf.oci.server.lifecycle;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.memory.InMemoryBlobStore;
import io.wharf.oci.storage.memory.InMemoryMetadataStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * In-memory stores on a test's clock, with blobs that no repository links, and images and referrers
 * pushed at given times for retention.
 */
final class Stores {

  private Stores() {}

  static RegistryStorage inMemory(MutableClock clock) {
    return new RegistryStorage(new InMemoryBlobStore(clock), new InMemoryMetadataStore(clock));
  }

  /** Stores {@code text} as a blob that no repository links (an upload never pushed with). */
  static Digest orphan(RegistryStorage storage, String text) throws IOException {
    Bytes bytes = Bytes.utf8(text);
    Digest digest = Digest.sha256(bytes);
    try (InputStream in = bytes.openStream()) {
      storage.blobs().put(in, digest);
    }
    return digest;
  }

  /** The media type of the SBOMs {@link #artifact} makes. */
  static final MediaType SBOM = MediaType.parse("application/vnd.example.sbom.v1+json");

  /** A small image whose config and layer depend on {@code seed}. */
  static RawManifest image(String seed) {
    return ManifestCodec.defaults()
        .encode(
            ImageManifest.of(
                Descriptor.of(
                    MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"seed\":\"" + seed + "\"}")),
                List.of(Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("layer " + seed)))));
  }

  /** An SBOM whose subject is {@code subject}. */
  static RawManifest artifact(String seed, RawManifest subject) {
    return ManifestCodec.defaults()
        .encode(
            ImageManifest.artifact(
                    SBOM,
                    List.of(
                        Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("sbom " + seed))))
                .withSubject(subject.descriptor()));
  }

  /**
   * Stores {@code m} in {@code repo} as pushed at {@code at} with {@code tags}, its blobs linked.
   */
  static void push(
      MetadataStore metadata, RepositoryName repo, RawManifest m, Instant at, String... tags)
      throws IOException {
    for (Descriptor d : m.parse().references()) {
      if (!d.mediaType().isManifest()) {
        metadata.linkBlob(repo, new BlobInfo(d.digest(), d.size()));
      }
    }
    Set<Tag> set = Arrays.stream(tags).map(Tag::of).collect(Collectors.toSet());
    metadata.putManifest(repo, ManifestPut.of(m, set, at));
  }

  /** A policy set whose project {@code project} keeps the {@code k} most recently pushed. */
  static PolicySet keepMostRecent(String project, int k) throws Exception {
    String text =
        "version: 1\n"
            + "projects:\n"
            + "  "
            + project
            + ":\n"
            + "    retention:\n"
            + "      rules:\n"
            + "        - name: latest-"
            + k
            + "\n"
            + "          retain: {mostRecentlyPushed: "
            + k
            + "}\n";
    return PolicySet.of(List.of(new PolicyLoader().load("retention.yaml", text)));
  }
}
