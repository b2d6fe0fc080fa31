package io.wharf.oci.model.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a state a test can observe (a counter, a queue, a refused connection) instead of
 * sleeping for a time and hoping the state was reached. The bound only keeps a broken build from
 * hanging: it is far above what the state takes on a loaded machine, and reaching it fails the test
 * with what was awaited.
 */
public final class Await {

  /** How long a state may take before the test fails: only a guard against hanging. */
  public static final Duration GUARD = Duration.ofSeconds(30);

  private Await() {}

  /** Checks {@code state} until it holds; fails the test after {@link #GUARD}. */
  public static void until(String what, BooleanSupplier state) throws InterruptedException {
    long deadline = System.nanoTime() + GUARD.toNanos();
    while (!state.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("still waiting after " + GUARD.toSeconds() + " s for " + what);
      }
      Thread.sleep(5);
    }
  }
}
