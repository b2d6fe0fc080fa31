package io.wharf.benchmarks;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.filesystem.FileSystemBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Committing a 1 GiB blob to {@link FileSystemBlobStore}, against the JVM's raw SHA-256 of the same
 * bytes.
 *
 * <p>{@link #commit} streams 1 GiB, produced from one reusable 1 MiB buffer with a counter stamped
 * into every block, through {@link BlobUpload#write(InputStream)} in chunks of 64 MiB and then
 * {@link BlobUpload#commit} with the digest computed beforehand; once with a durable store (fsync
 * before the blob becomes visible) and once with {@code durable(false)}. {@link #rawSha256} feeds
 * the same blocks to a {@link MessageDigest}: the floor any verifying store must pay.
 *
 * <p>Besides JMH's wall time per operation, each invocation reads the CPU time of the benchmark
 * thread and of the process around itself; at the end of a trial the means over the measurement
 * iterations are printed and written to {@code target/bench-results/<name>.properties} ({@code
 * blob-commit-durable}, {@code blob-commit-nondurable}, {@code blob-sha256}). <b>Target:</b> commit
 * CPU / raw SHA-256 CPU at most 1.25, i.e. the store adds at most a quarter to the hashing it
 * cannot avoid. {@code run-storage.sh} computes the ratios.
 *
 * <p>Mode SingleShotTime: each iteration is one 1 GiB operation. The committed blob is deleted
 * after each iteration so that the disk does not fill and every commit really publishes; the store
 * lives in a fresh folder under {@code target/bench-data}, removed after the trial.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class BlobCommitBenchmark {

  /** The blob size: 1 GiB. */
  public static final long SIZE = 1L << 30;

  /** The size of one upload chunk: 64 MiB. */
  public static final long CHUNK = 64L << 20;

  /** The blob's content and its digest, computed once per trial. */
  @State(Scope.Benchmark)
  public static class Content {
    BlobContent content;
    Digest expected;

    /** Computes the expected digest before any measurement. */
    @Setup(Level.Trial)
    public void setUp() {
      content = new BlobContent(SIZE);
      expected = content.sha256();
    }
  }

  /** A filesystem blob store, durable or not, in a fresh folder. */
  @State(Scope.Benchmark)
  public static class Store {
    /** Whether commits are forced to the device. */
    @Param({"true", "false"})
    public boolean durable;

    FileSystemBlobStore store;
    Path dir;
    Digest committed;
    CpuMeter meter;

    /** Opens the store. */
    @Setup(Level.Trial)
    public void open() throws IOException {
      String name = durable ? "blob-commit-durable" : "blob-commit-nondurable";
      dir = BenchFiles.newDataDirectory(name);
      store = FileSystemBlobStore.builder(dir).durable(durable).open();
      meter = new CpuMeter(name, SIZE);
    }

    /** Notes whether this iteration is measured. */
    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
      meter().measuring(iteration.getType() == IterationType.MEASUREMENT);
    }

    /** Deletes the committed blob, so that the disk does not fill and the next commit writes. */
    @TearDown(Level.Iteration)
    public void deleteBlob() throws IOException {
      if (committed != null) {
        store().delete(committed);
        committed = null;
      }
    }

    /** Reports, closes the store and removes its folder. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
      report(meter());
      store().close();
      if (dir != null) {
        BenchFiles.deleteRecursively(dir);
      }
    }

    FileSystemBlobStore store() {
      if (store == null) {
        throw new IllegalStateException("not set up");
      }
      return store;
    }

    CpuMeter meter() {
      if (meter == null) {
        throw new IllegalStateException("not set up");
      }
      return meter;
    }
  }

  /** The meter of the raw SHA-256 baseline. */
  @State(Scope.Benchmark)
  public static class Baseline {
    final CpuMeter meter = new CpuMeter("blob-sha256", SIZE);

    /** Notes whether this iteration is measured. */
    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
      meter.measuring(iteration.getType() == IterationType.MEASUREMENT);
    }

    /** Reports. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
      report(meter);
    }
  }

  /**
   * Uploads 1 GiB in 64 MiB chunks and commits it with the expected digest.
   *
   * @return the committed blob
   */
  @Benchmark
  public BlobInfo commit(Content content, Store store) throws IOException {
    CpuMeter.Reading start = CpuMeter.Reading.now();
    BlobInfo info;
    try (BlobUpload upload = store.store().newUpload()) {
      for (long block = 0; block < content.content.blocks(); block += CHUNK / BlobContent.BLOCK) {
        try (InputStream chunk = content.content.chunk(block, CHUNK / BlobContent.BLOCK)) {
          upload.write(chunk);
        }
      }
      info = upload.commit(content.expected);
    }
    store.committed = info.digest();
    store.meter().record(start);
    return info;
  }

  /**
   * Hashes the same 1 GiB with the JDK's SHA-256, block by block, and checks the digest.
   *
   * @return the digest
   */
  @Benchmark
  public Digest rawSha256(Content content, Baseline baseline) {
    CpuMeter.Reading start = CpuMeter.Reading.now();
    MessageDigest md = DigestAlgorithm.SHA256.newMessageDigest();
    BlobContent blob = content.content;
    for (long block = 0; block < blob.blocks(); block++) {
      md.update(blob.block(block));
    }
    Digest digest = Digest.of(DigestAlgorithm.SHA256, md.digest());
    baseline.meter.record(start);
    if (!digest.equals(content.expected)) {
      throw new IllegalStateException("digest " + digest + " is not " + content.expected);
    }
    return digest;
  }

  private static void report(CpuMeter meter) throws IOException {
    System.out.println();
    System.out.println("WHARF " + meter.line());
    BenchFiles.writeResults(meter.summary().get("name"), meter.summary());
  }
}
