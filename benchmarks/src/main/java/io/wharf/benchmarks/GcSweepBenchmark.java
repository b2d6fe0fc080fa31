package io.wharf.benchmarks;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.filesystem.FileSystemBlobStore;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcRequest;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Deleting garbage from the filesystem store: 100,000 small real blobs (64 to 4,159 bytes) in the
 * single-node store's {@link FileSystemBlobStore}, linked nowhere and written a month ago (through
 * a store whose clock is a month back), then a full dry run and a full applied run of a {@link
 * GarbageCollector} on {@link LocalStorage} as {@code wharf serve} opens it (durable: every delete
 * as the store makes it). <b>Target:</b> the applied run, which deletes the 100,000 files, under 60
 * s. Figures also go to {@code target/bench-results/gc-sweep.properties}.
 *
 * <pre>java -cp target/benchmarks.jar io.wharf.benchmarks.GcSweepBenchmark</pre>
 *
 * <p>System property: {@code gc.blobs} (100000).
 */
public final class GcSweepBenchmark {

  /** The target for the applied run, in seconds. */
  public static final int TARGET_SECONDS = 60;

  private GcSweepBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args unused
   * @throws IOException when the store fails
   */
  public static void main(String[] args) throws IOException {
    int count = Integer.getInteger("gc.blobs", 100_000);
    Path dir = BenchFiles.newDataDirectory("gc-sweep");
    Map<String, Object> figures = new LinkedHashMap<>();
    try {
      long t0 = System.nanoTime();
      Clock monthAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC);
      SplittableRandom random = new SplittableRandom(15);
      try (FileSystemBlobStore blobs =
          FileSystemBlobStore.builder(LocalStorage.blobDirectory(dir))
              .durable(false)
              .clock(monthAgo)
              .open()) {
        for (int i = 0; i < count; i++) {
          byte[] content = new byte[64 + random.nextInt(4096)];
          random.nextBytes(content);
          Bytes bytes = Bytes.of(content);
          blobs.put(bytes.openStream(), Digest.sha256(bytes));
        }
      }
      double generated = GcTiming.seconds(t0);
      System.out.printf(
          Locale.ROOT,
          "WHARF gc-sweep: %d unlinked blobs written a month ago, in %.1f s%n",
          count,
          generated);
      figures.put("blobs", count);
      figures.put("generate.s", GcTiming.format(generated));
      try (RegistryStorage storage = LocalStorage.open(dir)) {
        GarbageCollector collector = GcTiming.collector(storage);
        GcTiming.timed("gc-sweep", "dry-run", collector, GcRequest.dryRunOnly(), figures);
        GcTiming.timed("gc-sweep", "applied", collector, GcRequest.fullRun(), figures);
        double dry = Double.parseDouble((String) figures.get("dry-run.s"));
        double applied = Double.parseDouble((String) figures.get("applied.s"));
        long left;
        try (Stream<Digest> list = storage.blobs().list()) {
          left = list.count();
        }
        boolean deleted =
            Long.parseLong(figures.get("applied.blobs").toString()) == count && left == 0;
        boolean pass = deleted && applied < TARGET_SECONDS;
        figures.put("left", left);
        figures.put("pass", pass);
        System.out.printf(
            Locale.ROOT,
            "WHARF gc-sweep: %d blobs left; decisions (dry run) %.1f s, deletion (applied) %.1f s,"
                + " %.0f blobs/s; target applied < %d s: %s%n",
            left,
            dry,
            applied,
            count / applied,
            TARGET_SECONDS,
            pass ? "PASS" : "FAIL");
      }
      System.out.println(
          "WHARF gc-sweep: results in " + BenchFiles.writeResults("gc-sweep", figures));
    } finally {
      BenchFiles.deleteRecursively(dir);
    }
  }
}
