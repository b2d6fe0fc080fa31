package io.wharf.benchmarks;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageConfig;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading manifests and configurations as a manifest PUT does: {@link ManifestCodec#read(Bytes)}
 * (encoding checks, JSON, key checks, validation) on canonical bytes, and {@link
 * ImageConfig#parse}.
 *
 * <ul>
 *   <li>{@link #smallManifest}: an image manifest with a config and 5 layers, each with an
 *       annotation (about 1.4 KB).
 *   <li>{@link #largeManifest}: the same with 2,000 layers (about 420 KB), to show the cost grows
 *       linearly with the size.
 *   <li>{@link #index}: an index of 16 platform manifests (about 3.5 KB).
 *   <li>{@link #config}: an image configuration with environment, labels, 20 history entries.
 * </ul>
 *
 * Mode AverageTime in microseconds. There is no fixed target: compare figures of two builds on one
 * machine.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ManifestParseBenchmark {

  private static final ManifestCodec CODEC = ManifestCodec.defaults();

  private Bytes small;
  private Bytes large;
  private Bytes indexBytes;
  private Bytes configBytes;

  /** Builds the documents once. */
  @Setup
  public void setUp() {
    small = CODEC.encode(manifest(5)).bytes();
    large = CODEC.encode(manifest(2000)).bytes();
    indexBytes = CODEC.encode(index(16)).bytes();
    configBytes = config(20).toBytes();
  }

  /**
   * Reads a manifest of 5 layers.
   *
   * @return the manifest
   */
  @Benchmark
  public RawManifest smallManifest() {
    return CODEC.read(small);
  }

  /**
   * Reads a manifest of 2,000 layers.
   *
   * @return the manifest
   */
  @Benchmark
  public RawManifest largeManifest() {
    return CODEC.read(large);
  }

  /**
   * Reads an index of 16 manifests.
   *
   * @return the index
   */
  @Benchmark
  public RawManifest index() {
    return CODEC.read(indexBytes);
  }

  /**
   * Parses an image configuration.
   *
   * @return the configuration
   */
  @Benchmark
  public ImageConfig config() {
    return ImageConfig.parse(configBytes);
  }

  private static Digest digest(String seed) {
    return Digest.sha256(Bytes.utf8(seed));
  }

  private static ImageManifest manifest(int layers) {
    List<Descriptor> list = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      list.add(
          Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, digest("layer" + i), 1_000_000L + i)
              .withAnnotations(Map.of("org.opencontainers.image.title", "layer-" + i + ".tar.gz")));
    }
    return new ImageManifest(
        2,
        MediaType.OCI_IMAGE_MANIFEST,
        Optional.empty(),
        Descriptor.of(MediaType.OCI_IMAGE_CONFIG, digest("config"), 1234),
        list,
        Optional.empty(),
        Map.of("org.opencontainers.image.created", "2024-01-02T03:04:05Z"));
  }

  private static ImageIndex index(int children) {
    List<Descriptor> list = new ArrayList<>();
    String[] arches = {"amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "mips64le"};
    for (int i = 0; i < children; i++) {
      Platform platform =
          new Platform(
              arches[i % arches.length],
              i < arches.length ? "linux" : "windows",
              Optional.empty(),
              List.of(),
              Optional.empty(),
              List.of());
      list.add(
          new Descriptor(
              MediaType.OCI_IMAGE_MANIFEST,
              digest("child" + i),
              5000 + i,
              List.of(),
              Map.of(),
              Optional.empty(),
              Optional.of(platform),
              Optional.empty()));
    }
    return new ImageIndex(
        2, MediaType.OCI_IMAGE_INDEX, Optional.empty(), list, Optional.empty(), Map.of());
  }

  private static ImageConfig config(int historyEntries) {
    List<ImageConfig.History> history = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    for (int i = 0; i < historyEntries; i++) {
      history.add(
          new ImageConfig.History(
              Optional.of("2024-01-02T03:04:05Z"),
              Optional.of("/bin/sh -c #(nop) RUN step " + i),
              Optional.empty(),
              Optional.empty(),
              i % 3 == 0));
      if (i % 3 != 0) {
        diffIds.add(digest("diff" + i));
      }
    }
    return new ImageConfig(
        Optional.of("2024-01-02T03:04:05Z"),
        Optional.empty(),
        "amd64",
        "linux",
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.of(
            new ImageConfig.ContainerConfig(
                Optional.of("1000"),
                java.util.Set.of("8080/tcp"),
                List.of("PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "APP_HOME=/srv"),
                Optional.of(List.of("/docker-entrypoint.sh")),
                Optional.of(List.of("serve", "--port", "8080")),
                java.util.Set.of("/data"),
                Optional.of("/srv"),
                Map.of("org.opencontainers.image.source", "https://example.com/app"),
                Optional.of("SIGTERM"),
                Optional.empty())),
        new ImageConfig.RootFs("layers", diffIds),
        history);
  }
}
