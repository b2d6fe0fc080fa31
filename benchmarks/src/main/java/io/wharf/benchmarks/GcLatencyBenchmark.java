package io.wharf.benchmarks;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.jdk.RegistryServer;
import io.wharf.oci.server.lifecycle.Lifecycle;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a garbage collection running in the registry costs its readers: the p99 latency of
 * concurrent manifest GETs, with and without a collection loop running, in the same process.
 *
 * <p>The registry is the engine on {@link LocalStorage} (durable, as {@code wharf serve} opens it)
 * behind the JDK transport on 127.0.0.1, holding 50 repositories of 10 tagged images each. {@value
 * #CONNECTIONS} keep-alive connections (plain sockets, so that the client costs little) GET random
 * tags as fast as they are answered. In each round, three phases of equal length run in turn:
 * {@code off} (no collection), {@code gc} (a loop of collections, incremental and full by turns,
 * grace period zero, untagged manifests collected, paced as {@code wharf serve} paces them: {@link
 * Lifecycle#DEFAULT_GC_DUTY_CYCLE}, or the system property {@code wharf.bench.gc.dutyCycle}), and
 * {@code off} again: the two quiet phases are an A/A control of how far two identical runs differ
 * on this machine. Before each phase the same garbage is made (untimed): 40 untagged manifests and
 * 200 unreferenced links, so that the collections delete something. Every phase starts after an
 * untimed warm-up run. <b>Target:</b> the collection phase's p99 at most 20% above the quiet
 * phases' (median over the rounds). Figures also go to {@code
 * target/bench-results/gc-latency.properties}.
 *
 * <pre>java -cp target/benchmarks.jar io.wharf.benchmarks.GcLatencyBenchmark [seconds] [rounds]
 * </pre>
 */
public final class GcLatencyBenchmark {

  /** The target: the p99 with collections at most this much above the p99 without. */
  public static final double TARGET_RISE = 0.20;

  private static final int CONNECTIONS = 8;
  private static final int REPOSITORIES = 50;
  private static final int IMAGES = 10;

  private final RegistryStorage storage;
  private final InetSocketAddress address;
  private final SplittableRandom random = new SplittableRandom(20);
  private final List<RepositoryName> repositories = new ArrayList<>();

  private GcLatencyBenchmark(RegistryStorage storage, InetSocketAddress address) {
    this.storage = storage;
    this.address = address;
  }

  /**
   * Runs the benchmark.
   *
   * @param args seconds per phase (default 10), rounds (default 3)
   * @throws Exception when the registry fails
   */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = BenchFiles.newDataDirectory("gc-latency");
    Map<String, Object> figures = new LinkedHashMap<>();
    try (RegistryStorage storage = LocalStorage.open(dir);
        RegistryServer server =
            RegistryServer.start(
                Registry.builder(storage).build(), new InetSocketAddress("127.0.0.1", 0))) {
      GcLatencyBenchmark bench = new GcLatencyBenchmark(storage, server.address());
      bench.populate();
      GarbageCollector collector =
          GarbageCollector.builder(storage)
              .gracePeriod(Duration.ZERO)
              .deleteUntagged(true)
              .maxReportItems(0)
              .dutyCycle(
                  Double.parseDouble(
                      System.getProperty(
                          "wharf.bench.gc.dutyCycle",
                          String.valueOf(Lifecycle.DEFAULT_GC_DUTY_CYCLE))))
              .build();
      bench.load(seconds, null); // warm-up
      double[][] p99 = new double[3][rounds];
      String[] phases = {"off", "gc", "off2"};
      for (int round = 0; round < rounds; round++) {
        for (int phase = 0; phase < 3; phase++) {
          bench.makeGarbage();
          Phase result = bench.load(seconds, phase == 1 ? collector : null);
          p99[phase][round] = result.p99Millis();
          System.out.printf(
              Locale.ROOT,
              "WHARF gc-latency: round %d %-4s %7.0f GET/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f"
                  + " ms%s%n",
              round + 1,
              phases[phase],
              result.count() / (double) seconds,
              result.percentileMillis(0.50),
              result.p99Millis(),
              result.percentileMillis(1.0),
              result.gc().isEmpty() ? "" : "  (" + result.gc() + ")");
          figures.put(
              "round" + (round + 1) + "." + phases[phase] + ".p99.ms", fmt(result.p99Millis()));
        }
      }
      double off = median(p99[0]);
      double gc = median(p99[1]);
      double off2 = median(p99[2]);
      double quiet = (off + off2) / 2;
      double rise = gc / quiet - 1;
      double control = off2 / off - 1;
      boolean pass = rise < TARGET_RISE;
      figures.put("off.p99.ms", fmt(off));
      figures.put("gc.p99.ms", fmt(gc));
      figures.put("off2.p99.ms", fmt(off2));
      figures.put("rise", fmt(rise));
      figures.put("control", fmt(control));
      figures.put("pass", pass);
      System.out.printf(
          Locale.ROOT,
          "WHARF gc-latency: median p99 over %d rounds: off %.2f ms, gc %.2f ms, off again %.2f ms;"
              + " rise with gc %+.1f%% (target < %+.0f%%): %s; A/A control (off again vs off)"
              + " %+.1f%%%n",
          rounds,
          off,
          gc,
          off2,
          rise * 100,
          TARGET_RISE * 100,
          pass ? "PASS" : "FAIL",
          control * 100);
      System.out.println(
          "WHARF gc-latency: results in " + BenchFiles.writeResults("gc-latency", figures));
    } finally {
      BenchFiles.deleteRecursively(dir);
    }
  }

  /** Pushes the images the readers GET, through the stores (no HTTP). */
  private void populate() throws IOException {
    List<Descriptor> pool = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pool.add(blob(MediaType.OCI_LAYER_TAR_GZIP, 2048 + i * 97));
    }
    for (int r = 0; r < REPOSITORIES; r++) {
      RepositoryName repo = RepositoryName.of(String.format(Locale.ROOT, "bench/r%02d", r));
      repositories.add(repo);
      for (int i = 0; i < IMAGES; i++) {
        push(repo, Set.of(new Tag("v" + i)), pool.get(random.nextInt(pool.size())));
      }
    }
  }

  /** Garbage for one phase: untagged manifests and unreferenced links, all older than now. */
  private void makeGarbage() throws IOException {
    for (int i = 0; i < 40; i++) {
      RepositoryName repo = repositories.get(random.nextInt(repositories.size()));
      push(repo, Set.of(), blob(MediaType.OCI_LAYER_TAR_GZIP, 512));
    }
    for (int i = 0; i < 200; i++) {
      RepositoryName repo = repositories.get(random.nextInt(repositories.size()));
      Descriptor d = blob(MediaType.OCI_LAYER_TAR_GZIP, 256);
      storage.metadata().linkBlob(repo, new BlobInfo(d.digest(), d.size()));
    }
  }

  private void push(RepositoryName repo, Set<Tag> tags, Descriptor layer) throws IOException {
    Descriptor config = blob(MediaType.OCI_IMAGE_CONFIG, 128);
    for (Descriptor d : List.of(config, layer)) {
      storage.metadata().linkBlob(repo, new BlobInfo(d.digest(), d.size()));
    }
    RawManifest raw = ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer)));
    storage.metadata().putManifest(repo, ManifestPut.of(raw, tags, Instant.now()));
  }

  /** A new random blob of {@code size} bytes, stored. */
  private Descriptor blob(MediaType type, int size) throws IOException {
    byte[] content = new byte[size];
    random.nextBytes(content);
    Bytes bytes = Bytes.of(content);
    Digest digest = Digest.sha256(bytes);
    storage.blobs().put(bytes.openStream(), digest);
    return Descriptor.of(type, digest, size);
  }

  /** What one phase measured. */
  private record Phase(long[] nanos, String gc) {
    long count() {
      return nanos.length;
    }

    double percentileMillis(double p) {
      if (nanos.length == 0) {
        return Double.NaN;
      }
      int at = (int) Math.min(nanos.length - 1, Math.ceil(p * nanos.length) - 1);
      return nanos[Math.max(0, at)] / 1e6;
    }

    double p99Millis() {
      return percentileMillis(0.99);
    }
  }

  /**
   * GETs random tags on {@value #CONNECTIONS} connections for {@code seconds}, with a collection
   * loop running when {@code collector} is given.
   */
  private Phase load(int seconds, GarbageCollector collector) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService threads = Executors.newFixedThreadPool(CONNECTIONS + 1);
    try {
      List<Future<long[]>> readers = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        long seed = random.nextLong();
        readers.add(threads.submit(() -> getLoop(seed, stop)));
      }
      LongAdder runs = new LongAdder();
      LongAdder deleted = new LongAdder();
      Future<?> gc =
          collector == null
              ? null
              : threads.submit(
                  () -> {
                    boolean full = false;
                    while (!stop.get()) {
                      GcReport r =
                          collector.run(full ? GcRequest.fullRun() : GcRequest.incremental());
                      runs.increment();
                      deleted.add(r.manifestsDeleted() + r.linksRemoved() + r.blobsDeleted());
                      full = !full;
                    }
                    return null;
                  });
      Thread.sleep(seconds * 1000L); // the length of the measured phase, not a wait for a condition
      stop.set(true);
      List<long[]> results = new ArrayList<>();
      for (Future<long[]> reader : readers) {
        results.add(reader.get());
      }
      if (gc != null) {
        gc.get();
      }
      long[] all = results.stream().flatMapToLong(Arrays::stream).toArray();
      Arrays.sort(all);
      String what =
          collector == null
              ? ""
              : runs.sum()
                  + " collections deleting "
                  + deleted.sum()
                  + " manifests, links and blobs";
      return new Phase(all, what);
    } finally {
      threads.shutdownNow();
    }
  }

  /** One connection's loop: the latency of each GET, in nanoseconds. */
  private long[] getLoop(long seed, AtomicBoolean stop) throws IOException {
    SplittableRandom mine = new SplittableRandom(seed);
    long[] nanos = new long[1 << 14];
    int n = 0;
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!stop.get()) {
        RepositoryName repo = repositories.get(mine.nextInt(repositories.size()));
        byte[] request =
            ("GET /v2/"
                    + repo
                    + "/manifests/v"
                    + mine.nextInt(IMAGES)
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: "
                    + MediaType.OCI_IMAGE_MANIFEST
                    + "\r\n\r\n")
                .getBytes(US_ASCII);
        long t0 = System.nanoTime();
        out.write(request);
        out.flush();
        int status = readResponse(in);
        long took = System.nanoTime() - t0;
        if (status != 200) {
          throw new IOException("GET answered " + status);
        }
        if (n == nanos.length) {
          nanos = Arrays.copyOf(nanos, n * 2);
        }
        nanos[n++] = took;
      }
    }
    return Arrays.copyOf(nanos, n);
  }

  /** Reads one response, its body skipped; returns its status. */
  private static int readResponse(InputStream in) throws IOException {
    String status = line(in);
    long length = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Long.parseLong(header.substring(15).trim());
      }
    }
    in.skipNBytes(length);
    return Integer.parseInt(status.substring(9, 12));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the connection closed");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
