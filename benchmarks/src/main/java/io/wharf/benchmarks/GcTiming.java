package io.wharf.benchmarks;

import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Times garbage collection runs for the GC benchmarks, printing and recording each. */
final class GcTiming {

  private GcTiming() {}

  /**
   * Runs {@code request} once, prints its time and summary as {@code WHARF <bench>: <name>}, and
   * records {@code <name>.s}, {@code .links} and {@code .blobs} in {@code figures}.
   *
   * @return the run's report
   */
  static GcReport timed(
      String bench,
      String name,
      GarbageCollector collector,
      GcRequest request,
      Map<String, Object> figures)
      throws IOException {
    long t0 = System.nanoTime();
    GcReport report = collector.run(request);
    double s = seconds(t0);
    System.out.printf(
        Locale.ROOT, "WHARF %s: %-11s %6.1f s: %s%n", bench, name, s, report.summary());
    figures.put(name + ".s", format(s));
    figures.put(name + ".links", report.linksRemoved());
    figures.put(name + ".blobs", report.blobsDeleted());
    return report;
  }

  /**
   * The collector the size benchmarks run: a grace period of a day (their data is a month old),
   * untagged manifests collected, no report items (counts only).
   */
  static GarbageCollector collector(RegistryStorage storage) {
    return GarbageCollector.builder(storage)
        .gracePeriod(Duration.ofDays(1))
        .deleteUntagged(true)
        .maxReportItems(0)
        .build();
  }

  /** Seconds since {@code t0}, a {@link System#nanoTime()}. */
  static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Seconds with two decimals, as the results files keep them. */
  static String format(double seconds) {
    return String.format(Locale.ROOT, "%.2f", seconds);
  }
}
