package io.wharf.oci.server.jdk;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the server's exchanges: one virtual thread each on Java 21+, else a bounded pool of platform
 * threads with a bounded queue. When pool and queue are full, the exchange runs on a small overflow
 * pool that only answers 503 ({@link #overloaded()} is true there); when that is full too, the JDK
 * server closes the connection. Each exchange runs under a {@link HeaderDeadline}, which starts
 * when the exchange's thread starts it (time spent queued for a thread does not count). Counts the
 * exchanges submitted and not finished, for a graceful stop.
 */
final class ServerExecutor implements java.util.concurrent.Executor {

  private static final ThreadLocal<Boolean> OVERLOADED = new ThreadLocal<>();
  private static final int OVERFLOW_THREADS = 2;
  private static final int OVERFLOW_QUEUE = 128;

  private final ExecutorService main;
  private final ExecutorService overflow;
  private final HeaderDeadline headers;
  private final boolean virtual;
  private final AtomicLong inFlight = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();

  ServerExecutor(boolean preferVirtual, int threads, int queue, Duration headerTimeout) {
    this.headers = new HeaderDeadline(headerTimeout);
    Optional<ExecutorService> v = preferVirtual ? virtualThreads() : Optional.empty();
    this.virtual = v.isPresent();
    this.overflow =
        new ThreadPoolExecutor(
            OVERFLOW_THREADS,
            OVERFLOW_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(OVERFLOW_QUEUE),
            threads("wharf-http-overflow-"),
            new ThreadPoolExecutor.AbortPolicy());
    this.main =
        v.orElseGet(
            () ->
                new ThreadPoolExecutor(
                    threads,
                    threads,
                    30,
                    TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(Math.max(1, queue)),
                    threads("wharf-http-"),
                    (r, pool) ->
                        overflow.execute(
                            () -> {
                              OVERLOADED.set(Boolean.TRUE);
                              try {
                                r.run();
                              } finally {
                                OVERLOADED.remove();
                              }
                            })));
  }

  /** Whether the current thread answers only 503 because the server is overloaded. */
  static boolean overloaded() {
    return OVERLOADED.get() != null;
  }

  /** Whether exchanges run on virtual threads. */
  boolean virtual() {
    return virtual;
  }

  /**
   * {@code Executors.newVirtualThreadPerTaskExecutor()} when the running JVM has it (Java 21+); the
   * library is compiled for Java 17, so it is looked up at run time.
   */
  static Optional<ExecutorService> virtualThreads() {
    try {
      MethodHandle factory =
          MethodHandles.publicLookup()
              .findStatic(
                  Executors.class,
                  "newVirtualThreadPerTaskExecutor",
                  MethodType.methodType(ExecutorService.class));
      return Optional.of((ExecutorService) factory.invoke());
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return Optional.empty();
    } catch (Throwable e) {
      if (e instanceof Error) {
        throw (Error) e;
      }
      return Optional.empty();
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void execute(Runnable command) {
    inFlight.incrementAndGet();
    try {
      main.execute(
          () -> {
            try {
              headers.run(command);
            } finally {
              done();
            }
          });
    } catch (RejectedExecutionException e) {
      done();
      throw e;
    }
  }

  private void done() {
    if (inFlight.decrementAndGet() == 0) {
      lock.lock();
      try {
        idle.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Exchanges submitted and not finished (running or queued); for tests to wait on. */
  long inFlight() {
    return inFlight.get();
  }

  /** Waits until no exchange is in flight, at most until {@code deadline} (nano time). */
  boolean awaitIdle(long deadline) throws InterruptedException {
    lock.lock();
    try {
      while (inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        idle.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the threads, interrupting exchanges that are still running. */
  void shutdownNow() {
    main.shutdownNow();
    overflow.shutdownNow();
    headers.close();
  }
}
