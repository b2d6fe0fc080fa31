package io.wharf.oci.storage.jdbc;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.ManifestPut;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Manifests, blobs and instants for the metadata store tests. */
final class Fixtures {

  static final ManifestCodec CODEC = ManifestCodec.defaults();

  static final MediaType SBOM = MediaType.parse("application/vnd.example.sbom.v1+json");
  static final MediaType SIGNATURE = MediaType.parse("application/vnd.example.signature.v1+json");

  /** A fixed base time with nanoseconds, so that a lossy timestamp column shows. */
  static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

  private Fixtures() {}

  /** A store on a new SQLite file under {@code target/tck}, for the TCKs. */
  static JdbcMetadataStore freshSqliteStore() throws IOException {
    return freshSqliteStore(Clock.systemUTC());
  }

  /** As {@link #freshSqliteStore()}, dating blob links with {@code clock}. */
  static JdbcMetadataStore freshSqliteStore(Clock clock) throws IOException {
    Files.createDirectories(Path.of("target", "tck"));
    Path dir = Files.createTempDirectory(Path.of("target", "tck"), "sqlite-");
    return JdbcMetadataStore.sqlite(dir.resolve("metadata.db"), clock);
  }

  /** A layer descriptor of content {@code "layer-" + n}. */
  static Descriptor layer(int n) {
    return Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("layer-" + n + "-".repeat(n)));
  }

  /** A config descriptor of content derived from {@code n}. */
  static Descriptor config(int n) {
    return Descriptor.of(MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"config\":" + n + "}"));
  }

  /** An image manifest of config {@code n} and the layers {@code layers}. */
  static RawManifest image(int n, int... layers) {
    return CODEC.encode(
        ImageManifest.of(config(n), Arrays.stream(layers).mapToObj(Fixtures::layer).toList()));
  }

  /**
   * An artifact manifest of type {@code type}, referring to {@code subject}, with an annotation so
   * that the referrer descriptor carries one.
   */
  static RawManifest referrer(int n, MediaType type, RawManifest subject) {
    return CODEC.encode(
        ImageManifest.artifact(type, List.of(layer(1000 + n)))
            .withSubject(subject.descriptor())
            .withAnnotations(Map.of("org.example.n", "n" + n, "org.example.text", "é<&>\"")));
  }

  /** An image manifest (artifact type from its config) referring to {@code subject}. */
  static RawManifest imageReferrer(int n, RawManifest subject) {
    return CODEC.encode(
        ImageManifest.of(config(n), List.of(layer(n))).withSubject(subject.descriptor()));
  }

  /** An index of {@code children}. */
  static RawManifest index(RawManifest... children) {
    return CODEC.encode(
        ImageIndex.of(Arrays.stream(children).map(RawManifest::descriptor).toList()));
  }

  /** Tags by name. */
  static Set<Tag> tags(String... names) {
    Set<Tag> tags = new LinkedHashSet<>();
    for (String n : names) {
      tags.add(new Tag(n));
    }
    return tags;
  }

  /** The put of {@code manifest} with {@code tags}, at {@code at}. */
  static ManifestPut put(RawManifest manifest, Instant at, String... tags) {
    return ManifestPut.of(manifest, tags(tags), at);
  }
}
