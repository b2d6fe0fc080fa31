package io.wharf.benchmarks;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
import io.wharf.oci.storage.jdbc.JdbcMetadataStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link JdbcMetadataStore} on SQLite ({@link JdbcMetadataStore#sqlite(Path)}: WAL, {@code
 * synchronous=FULL}) with one repository of 100,000 tags.
 *
 * <p>The trial's setup creates the tags through {@code putManifest}, {@value #TAGS_PER_PUT} tags
 * per manifest ({@code t000000} to {@code t099999}), in a fresh database under {@code
 * target/bench-data}, removed after the trial.
 *
 * <ul>
 *   <li>{@link #tagsPage}: the page of 100 tags after the middle tag, {@code tags(repo,
 *       PageRequest.after("t050000", 100))}. Mode AverageTime in microseconds. <b>Target:</b> under
 *       5 ms (5,000 µs): a page costs O(page), not O(tags).
 *   <li>{@link #putManifest}: a new small image manifest (config and one layer) with one new tag,
 *       so two new blob links, committed in one transaction. Mode SampleTime in microseconds, so
 *       JMH reports the percentiles. <b>Target:</b> median (p50) under 2 ms (2,000 µs).
 * </ul>
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class MetadataBenchmark {

  /** How many tags each setup manifest carries. */
  public static final int TAGS_PER_PUT = 100;

  /** How many tags the repository holds before the benchmark starts. */
  @Param("100000")
  public int tags;

  private final RepositoryName repository = RepositoryName.of("bench/app");
  private JdbcMetadataStore store;
  private Path dir;
  private PageRequest middlePage;
  private long next;

  /**
   * Creates the database and its tags, and checks that the middle page is full.
   *
   * @throws IOException when the store fails
   */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchFiles.newDataDirectory("metadata-sqlite");
    store = JdbcMetadataStore.sqlite(dir.resolve("wharf.db"));
    long start = System.nanoTime();
    Instant at = Instant.now();
    for (int first = 0; first < tags; first += TAGS_PER_PUT) {
      Set<Tag> batch = new LinkedHashSet<>();
      for (int t = first; t < Math.min(tags, first + TAGS_PER_PUT); t++) {
        batch.add(tag(t));
      }
      store.putManifest(repository, linked(ManifestPut.of(manifest("setup-" + first), batch, at)));
    }
    middlePage = PageRequest.after(tag(tags / 2).value(), 100);
    Page<Tag> page = store.tags(repository, middlePage);
    if (page.items().size() != Math.min(100, tags - tags / 2 - 1)) {
      throw new IllegalStateException("the middle page has " + page.items().size() + " tags");
    }
    System.out.printf(
        Locale.ROOT,
        "%nWHARF metadata-sqlite setup: %d tags in %d puts in %.1f s%n",
        tags,
        (tags + TAGS_PER_PUT - 1) / TAGS_PER_PUT,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Closes the store and removes the database.
   *
   * @throws IOException when the store fails
   */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    BenchFiles.deleteRecursively(dir);
  }

  /** The next manifest to put: new bytes, one new tag, two new blobs. */
  @State(Scope.Thread)
  public static class NextPut {
    ManifestPut put;

    /**
     * Builds the next put and links its blobs, as their uploads would, outside the measured time.
     *
     * @throws IOException when the store fails
     */
    @Setup(Level.Invocation)
    public void prepare(MetadataBenchmark benchmark) throws IOException {
      long n = benchmark.next++;
      put =
          benchmark.linked(
              ManifestPut.of(
                  benchmark.manifest("put-" + n), Set.of(Tag.of("p" + n)), Instant.now()));
    }
  }

  /**
   * The page of 100 tags after the middle one.
   *
   * @return the page
   * @throws IOException when the store fails
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public Page<Tag> tagsPage() throws IOException {
    return store.tags(repository, middlePage);
  }

  /** Links the blobs of {@code put}, which a manifest put needs linked; returns {@code put}. */
  ManifestPut linked(ManifestPut put) throws IOException {
    for (Descriptor blob : put.blobs()) {
      store.linkBlob(repository, new BlobInfo(blob.digest(), blob.size()));
    }
    return put;
  }

  /**
   * Puts a new small manifest with one tag: checks its two linked blobs and records its references.
   *
   * @return the tags that moved (none)
   * @throws IOException when the store fails
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public Map<Tag, Digest> putManifest(NextPut next) throws IOException {
    return store.putManifest(repository, next.put);
  }

  private static Tag tag(int n) {
    return Tag.of(String.format(Locale.ROOT, "t%06d", n));
  }

  /** A small image manifest whose config and layer are unique to {@code seed}. */
  RawManifest manifest(String seed) {
    Descriptor config =
        Descriptor.of(MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"seed\":\"" + seed + "\"}"));
    Bytes layerSeed = Bytes.utf8("layer-" + seed);
    Descriptor layer =
        Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, Digest.sha256(layerSeed), 1_048_576);
    return ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer)));
  }
}
