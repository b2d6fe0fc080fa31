package io.wharf.oci.server.jdk;

import io.wharf.oci.server.transport.TransportSupport;
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
 * Aborts exchanges whose socket reads or writes make no progress for longer than the stall timeout,
 * and exchanges whose request body arrives slower than the minimum body rate. The JDK server reads
 * and writes in blocking mode with no socket timeout, so a client that stops sending mid-body (or
 * stops reading the response) would otherwise hold a thread for ever, and one that sends a byte now
 * and then would hold it as long as it likes. A guarded stream marks the time a blocking call began
 * and, for the request body, adds up the time spent waiting for the client's bytes and the bytes
 * that came; a timer closes the connection of a call blocked too long, or of a body whose bytes,
 * after {@link #RATE_GRACE_NANOS} of waiting for them, are fewer than the rate times that waiting.
 * Time the handler spends elsewhere (writing to a slow disk) does not count against the client.
 * Closing makes the blocked call fail with an {@link IOException}.
 */
final class StallWatchdog implements AutoCloseable {

  /** Writes are cut into pieces of this size, so that each blocking call has a bounded size. */
  private static final int WRITE_SLICE = TransportSupport.MAX_WRITE;

  /** Waiting for a request body's bytes that the rate is measured after: 5 s. */
  static final long RATE_GRACE_NANOS = 5_000_000_000L;

  private final long timeoutNanos;
  private final long minBytesPerSecond;
  private final Set<Guard> active = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;

  StallWatchdog(Duration timeout, long minBytesPerSecond) {
    this.timeoutNanos = timeout.toNanos();
    this.minBytesPerSecond = minBytesPerSecond;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "wharf-http-watchdog");
              t.setDaemon(true);
              return t;
            });
    long period =
        Math.max(20, Math.min(minBytesPerSecond > 0 ? 500 : 1000, timeout.toMillis() / 4));
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
      if (!g.aborted && (since != 0 && now - since > timeoutNanos || g.tooSlow(now))) {
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

  /** A read to run under a guard; returns the bytes read, or -1 at the end. */
  private interface IoRead {
    long read() throws IOException;
  }

  /** Watches one exchange's blocking calls. */
  final class Guard implements AutoCloseable {
    private final Runnable abort;
    private volatile long blockedSince;
    private volatile boolean aborted;

    /** Nano time the current read began, 0 when none is under way. */
    private volatile long readingSince;

    /** Time spent in finished reads of the request body. */
    private volatile long readNanos;

    /** Bytes of the request body read. */
    private volatile long bodyBytes;

    private Guard(Runnable abort) {
      this.abort = abort;
    }

    /** Whether the watchdog aborted this exchange. */
    boolean aborted() {
      return aborted;
    }

    /** Whether the request body has arrived slower than the minimum rate. */
    private boolean tooSlow(long now) {
      if (minBytesPerSecond <= 0) {
        return false;
      }
      long since = readingSince;
      long waited = readNanos + (since == 0 ? 0 : now - since);
      return waited > RATE_GRACE_NANOS && bodyBytes < minBytesPerSecond * (waited / 1e9);
    }

    /** Runs a read of the request body: its time and bytes count towards the body rate. */
    private long read(IoRead call) throws IOException {
      long start = System.nanoTime();
      readingSince = start == 0 ? 1 : start;
      long[] r = new long[1];
      try {
        run(() -> r[0] = call.read());
      } finally {
        readNanos += System.nanoTime() - start;
        readingSince = 0;
      }
      if (r[0] > 0) {
        bodyBytes += r[0];
      }
      return r[0];
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

    /**
     * {@code in}, the request body, with every call guarded and its reads counted for the body rate
     * (closing it counts too: the JDK reads what is left of the body then).
     */
    InputStream in(InputStream in) {
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          long[] b = new long[1];
          long n =
              Guard.this.read(
                  () -> {
                    b[0] = super.read();
                    return b[0] < 0 ? -1 : 1;
                  });
          return n < 0 ? -1 : (int) b[0];
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return (int) Guard.this.read(() -> super.read(b, off, len));
        }

        @Override
        public long skip(long n) throws IOException {
          return Guard.this.read(() -> super.skip(n));
        }

        @Override
        public void close() throws IOException {
          Guard.this.read(
              () -> {
                super.close();
                return 0;
              });
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
