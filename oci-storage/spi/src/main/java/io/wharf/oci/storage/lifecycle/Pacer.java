package io.wharf.oci.storage.lifecycle;

import java.io.InterruptedIOException;
import java.util.function.LongSupplier;

/**
 * Keeps a run's busy time to a share of the wall time: between steps it sleeps in proportion to the
 * time it worked since the last sleep, so that requests sharing the machine's cores with a
 * collection feel little of it. A step's time is wall time, so a run on a loaded machine (whose
 * steps take longer) also sleeps longer.
 */
final class Pacer {

  /** Owed sleeps shorter than this are saved up: the scheduler cannot sleep that briefly. */
  static final long MIN_SLEEP_NANOS = 1_000_000;

  /** How a pacer sleeps; {@code Thread::sleep} but for tests. */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final double sleepPerBusy;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long resumedAt;

  /**
   * @param dutyCycle the share of wall time to work, in (0, 1]; 1 never sleeps
   */
  Pacer(double dutyCycle) {
    this(dutyCycle, System::nanoTime, n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));
  }

  Pacer(double dutyCycle, LongSupplier nanoTime, Sleeper sleeper) {
    this.sleepPerBusy = (1 - dutyCycle) / dutyCycle;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.resumedAt = nanoTime.getAsLong();
  }

  /**
   * Called between steps, never while holding a store lock: sleeps when the work since the last
   * sleep has earned a pause.
   *
   * @throws InterruptedIOException when the thread is interrupted while it sleeps (its interrupt
   *     flag is set again)
   */
  void step() throws InterruptedIOException {
    if (sleepPerBusy == 0) {
      return;
    }
    long owed = (long) ((nanoTime.getAsLong() - resumedAt) * sleepPerBusy);
    if (owed < MIN_SLEEP_NANOS) {
      return;
    }
    try {
      sleeper.sleep(owed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException stopped = new InterruptedIOException("garbage collection interrupted");
      stopped.initCause(e);
      throw stopped;
    }
    resumedAt = nanoTime.getAsLong();
  }
}
