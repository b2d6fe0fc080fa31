package io.wharf.oci.server.jdk;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Aborts exchanges whose socket reads or writes make no progress for longer than the stall timeout.
 * The JDK server reads and writes in blocking mode with no socket timeout, so a client that stops
 * sending mid-body (or stops reading the response) would otherwise hold a thread for ever. A
 * guarded stream marks the time a blocking call began; a timer closes the connection of a call
 * blocked too long, which makes the call fail with an {@link IOException}.
 */
final class StallWatchdog implements AutoCloseable {

  /** Writes are cut into pieces of this size, so that each blocking call has a bounded size. */
  private static final int WRITE_SLICE = 64 * 1024;

  private final long timeoutNanos;
  private final Set<Guard> active = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;

  StallWatchdog(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "wharf-http-watchdog");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(20, Math.min(1000, timeout.toMillis() / 4));
    timer.scheduleWithFixedDelay(this::scan, period, period, TimeUnit.MILLISECONDS);
  }

  /** A guard for one exchange; {@code abort} closes its connection. */
  Guard guard(Runnable abort) {
    Guard g = new Guard(abort);
    active.add(g);
    return g;
  }

  private void scan() {
    long now = System.nanoTime();
    for (Guard g : active) {
      long since = g.blockedSince;
      if (since != 0 && now - since > timeoutNanos && !g.aborted) {
        g.aborted = true;
        // Closing may block briefly; keep the timer free for the other exchanges.
        Thread t = new Thread(g.abort, "wharf-http-abort");
        t.setDaemon(true);
        t.start();
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** An I/O call to run under a guard. */
  interface IoCall {
    void run() throws IOException;
  }

  /** Watches one exchange's blocking calls. */
  final class Guard implements AutoCloseable {
    private final Runnable abort;
    private volatile long blockedSince;
    private volatile boolean aborted;

    private Guard(Runnable abort) {
      this.abort = abort;
    }

    /** Whether the watchdog aborted this exchange. */
    boolean aborted() {
      return aborted;
    }

    private void enter() throws IOException {
      if (aborted) {
        throw stalled();
      }
      long now = System.nanoTime();
      blockedSince = now == 0 ? 1 : now;
    }

    private void exit() {
      blockedSince = 0;
    }

    private IOException stalled() {
      return new IOException(
          "connection closed: no progress for " + timeoutNanos / 1_000_000 + " ms");
    }

    /** Runs {@code call}, aborting the exchange if it blocks too long. */
    void run(IoCall call) throws IOException {
      enter();
      try {
        call.run();
      } catch (IOException e) {
        if (aborted) {
          IOException s = stalled();
          s.addSuppressed(e);
          throw s;
        }
        throw e;
      } finally {
        exit();
      }
    }

    /** {@code in}, with every call guarded. */
    InputStream in(InputStream in) {
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          int[] r = new int[1];
          run(() -> r[0] = super.read());
          return r[0];
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int[] r = new int[1];
          run(() -> r[0] = super.read(b, off, len));
          return r[0];
        }

        @Override
        public long skip(long n) throws IOException {
          long[] r = new long[1];
          run(() -> r[0] = super.skip(n));
          return r[0];
        }

        @Override
        public void close() throws IOException {
          run(super::close);
        }
      };
    }

    /** {@code out}, with every call guarded; {@link CountingStream#count()} says what went out. */
    CountingStream out(OutputStream out) {
      return new CountingStream(out);
    }

    @Override
    public void close() {
      active.remove(this);
    }

    /** A guarded output stream that counts bytes. */
    final class CountingStream extends FilterOutputStream {
      private long count;

      private CountingStream(OutputStream out) {
        super(out);
      }

      /** Bytes written. */
      long count() {
        return count;
      }

      @Override
      public void write(int b) throws IOException {
        run(() -> out.write(b));
        count++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
          int n = Math.min(len, WRITE_SLICE);
          int from = off;
          run(() -> out.write(b, from, n));
          count += n;
          off += n;
          len -= n;
        }
      }

      @Override
      public void flush() throws IOException {
        run(out::flush);
      }

      @Override
      public void close() throws IOException {
        run(out::close);
      }
    }
  }
}
