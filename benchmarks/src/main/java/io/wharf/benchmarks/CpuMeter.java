package io.wharf.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time and CPU time of one operation, read around each invocation: the CPU time of the calling
 * thread (user and total, from {@link ThreadMXBean}) and of the whole process (from {@link
 * com.sun.management.OperatingSystemMXBean}, which adds the JIT, the garbage collector and any
 * other thread). Collects the invocations of measurement iterations and summarises them as means.
 * Not thread-safe: one benchmark thread.
 */
final class CpuMeter {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  static {
    if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
  }

  /** One reading of the clocks, in nanoseconds. */
  record Reading(long wall, long threadCpu, long threadUser, long processCpu) {

    /** Reads every clock now. */
    static Reading now() {
      return new Reading(
          System.nanoTime(),
          THREADS.getCurrentThreadCpuTime(),
          THREADS.getCurrentThreadUserTime(),
          OS.getProcessCpuTime());
    }

    /** The time from this reading to {@code end}. */
    Reading until(Reading end) {
      return new Reading(
          end.wall - wall,
          end.threadCpu - threadCpu,
          end.threadUser - threadUser,
          end.processCpu - processCpu);
    }
  }

  private final String name;
  private final long bytes;
  private final List<Reading> samples = new ArrayList<>();
  private boolean measuring;

  /** A meter for operation {@code name} that moves {@code bytes} bytes per invocation. */
  CpuMeter(String name, long bytes) {
    this.name = name;
    this.bytes = bytes;
  }

  /** Whether the following invocations belong to a measurement iteration (not warm-up). */
  void measuring(boolean measuring) {
    this.measuring = measuring;
  }

  /** Records one invocation, which started at {@code start} and ends now. */
  void record(Reading start) {
    Reading elapsed = start.until(Reading.now());
    if (measuring) {
      samples.add(elapsed);
    }
  }

  /**
   * The means over the measured invocations, in seconds and MB/s (10^6 bytes per second), as an
   * ordered map: {@code name, bytes, invocations, wall.s, throughput.MBps, thread.cpu.s,
   * thread.user.s, thread.sys.s, process.cpu.s}.
   */
  Map<String, String> summary() {
    Map<String, String> figures = new LinkedHashMap<>();
    int n = samples.size();
    double wall = mean(samples, Reading::wall);
    double threadCpu = mean(samples, Reading::threadCpu);
    double threadUser = mean(samples, Reading::threadUser);
    double processCpu = mean(samples, Reading::processCpu);
    figures.put("name", name);
    figures.put("bytes", Long.toString(bytes));
    figures.put("invocations", Integer.toString(n));
    figures.put("wall.s", format(wall));
    figures.put("throughput.MBps", n == 0 ? "NaN" : format(bytes / 1e6 / wall));
    figures.put("thread.cpu.s", format(threadCpu));
    figures.put("thread.user.s", format(threadUser));
    figures.put("thread.sys.s", format(threadCpu - threadUser));
    figures.put("process.cpu.s", format(processCpu));
    return figures;
  }

  /** One line for people: the summary's figures. */
  String line() {
    Map<String, String> s = summary();
    return String.format(
        Locale.ROOT,
        "%s: %s invocations, wall %s s, %s MB/s, thread CPU %s s (user %s, sys %s),"
            + " process CPU %s s",
        name,
        s.get("invocations"),
        s.get("wall.s"),
        s.get("throughput.MBps"),
        s.get("thread.cpu.s"),
        s.get("thread.user.s"),
        s.get("thread.sys.s"),
        s.get("process.cpu.s"));
  }

  private static double mean(List<Reading> samples, java.util.function.ToLongFunction<Reading> f) {
    return samples.stream().mapToLong(f).average().orElse(Double.NaN) / 1e9;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
