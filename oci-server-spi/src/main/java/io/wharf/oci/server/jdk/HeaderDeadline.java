package io.wharf.oci.server.jdk;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the connection of an exchange whose request line and headers do not arrive within the
 * header timeout. The JDK server hands each exchange to the transport's executor once bytes are
 * readable on the connection; the exchange's thread then reads the request line and headers in a
 * blocking {@code SocketChannel.read}, without a timeout, and only then calls {@link
 * ExchangeAdapter}. A TLS client (skopeo and podman try HTTPS first) sends a ClientHello, which has
 * no line end the server waits for, and then waits for an answer until its own handshake timeout.
 *
 * <p>{@link #run(Runnable)} runs one exchange and, if the exchange has not called {@link
 * #handlerReached()} within the timeout, interrupts its thread. A {@code SocketChannel} is an
 * interruptible channel: an interrupted blocking read closes it (on platform and virtual threads
 * alike), the JDK server closes the connection, and the TLS client's handshake fails at once, so
 * that it falls back to plain HTTP. No reflection and no copy of the bytes: the JDK's own reading
 * is bounded from outside.
 *
 * <p>Each exchange has a state changed only by compare-and-set, so that a thread that has reached
 * the handler (or finished the exchange) is never interrupted, and an interrupt that lost the race
 * is cleared before the handler runs or the (pooled) thread takes its next task.
 */
final class HeaderDeadline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JdkHttpTransport.class);

  private static final ThreadLocal<Watch> CURRENT = new ThreadLocal<>();

  /** The JDK is reading the request line and headers. */
  private static final int READING = 0;

  /** The handler has been reached: the thread is never interrupted from now on. */
  private static final int HANDLING = 1;

  /** The timer is interrupting the thread. */
  private static final int CUTTING = 2;

  /** The timer has interrupted the thread; the thread clears the interrupt later. */
  private static final int CUT = 3;

  /** The exchange has finished. */
  private static final int DONE = 4;

  private final Duration timeout;
  private final long timeoutNanos;
  private final ScheduledThreadPoolExecutor timer;

  HeaderDeadline(Duration timeout) {
    this.timeout = timeout;
    this.timeoutNanos = saturatedNanos(timeout);
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "wharf-http-header-deadline");
              t.setDaemon(true);
              return t;
            });
    // A deadline is cancelled for almost every request: drop it from the queue at once.
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Runs {@code exchange} on the calling thread, interrupting the thread if {@code exchange} has
   * not called {@link #handlerReached()} within the timeout. Returns with the thread's interrupt
   * status as the deadline found it.
   */
  void run(Runnable exchange) {
    Watch watch = new Watch(Thread.currentThread());
    ScheduledFuture<?> deadline;
    try {
      deadline = timer.schedule(watch::cut, timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      // The server is stopping: its threads are interrupted anyway.
      deadline = null;
    }
    CURRENT.set(watch);
    try {
      exchange.run();
    } finally {
      CURRENT.remove();
      if (deadline != null) {
        deadline.cancel(false);
      }
      watch.finish();
    }
  }

  /**
   * Called on the exchange's thread when the request line and headers have been read and the
   * handler starts; from then on the thread is not interrupted. If the deadline struck after the
   * headers had arrived but before this call, its interrupt is cleared and the request is handled
   * all the same. Does nothing outside {@link #run(Runnable)}.
   */
  static void handlerReached() {
    Watch watch = CURRENT.get();
    if (watch != null) {
      watch.reached();
    }
  }

  /** Stops the timer; exchanges that start afterwards run without a deadline. */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** One exchange's state. */
  private final class Watch {
    private final Thread thread;
    private final AtomicInteger state = new AtomicInteger(READING);

    Watch(Thread thread) {
      this.thread = thread;
    }

    /** On the timer: interrupts the thread if it is still reading the request. */
    void cut() {
      if (state.compareAndSet(READING, CUTTING)) {
        try {
          // Blocked in SocketChannel.read, the thread gets ClosedByInterruptException and the JDK
          // closes the connection; anywhere else, the interrupt only sets its flag.
          thread.interrupt();
        } finally {
          state.set(CUT);
        }
        LOG.debug(
            "closing a connection whose request line and headers took over {} ms"
                + " (a TLS handshake, or a slow client)",
            timeout.toMillis());
      }
    }

    /** On the exchange's thread, as the handler starts. */
    void reached() {
      if (!state.compareAndSet(READING, HANDLING)) {
        // The deadline struck after the headers had arrived: no channel read was under way, so
        // the interrupt only set the flag. Clear it, or the handler's first channel operation
        // would close the connection.
        clearInterrupt();
        state.set(HANDLING);
      }
    }

    /** On the exchange's thread, once the exchange has ended. */
    void finish() {
      if (state.compareAndSet(READING, DONE) || state.compareAndSet(HANDLING, DONE)) {
        return;
      }
      // Cut while reading: a pooled thread must not carry the interrupt into its next task.
      clearInterrupt();
      state.set(DONE);
    }

    private void clearInterrupt() {
      while (state.get() == CUTTING) {
        Thread.yield();
      }
      Thread.interrupted();
    }
  }
}
