package io.wharf.oci.client;

import java.time.Duration;

/**
 * How the client retries a step that failed for a reason that may pass: a connection error, 429
 * (waiting at least what {@code Retry-After} asks), or 500/502/503/504. Waits grow exponentially
 * from {@code initialDelay} to {@code maxDelay}, each drawn at random from its upper half ("equal
 * jitter"), and stop after {@code maxAttempts} attempts or once {@code maxElapsed} has passed since
 * the first, whichever comes first. A {@code Retry-After} longer than the time left is not waited
 * for. Steps that could duplicate work (a PATCH whose bytes may have arrived) are never retried as
 * they are; the client asks the registry where the upload stands instead.
 *
 * @param maxAttempts attempts in all, at least 1 (1 = no retry)
 * @param initialDelay the first wait
 * @param maxDelay the longest single wait
 * @param maxElapsed the longest time from the first attempt to the start of the last
 */
public record RetryPolicy(
    int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxElapsed) {

  /** Five attempts, 200 ms to 10 s apart, within one minute. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMinutes(1));

  /** No retry at all. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /** Checks the bounds. */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (initialDelay.isNegative() || maxDelay.isNegative() || maxElapsed.isNegative()) {
      throw new IllegalArgumentException("delays must not be negative");
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay must not be shorter than initialDelay");
    }
  }

  /**
   * The wait before attempt {@code attempt + 1} (attempts count from 1), jittered with {@code
   * random} in [0, 1).
   */
  public Duration backoff(int attempt, double random) {
    long base = initialDelay.toNanos();
    long cap = maxDelay.toNanos();
    long d = base;
    for (int i = 1; i < attempt && d < cap; i++) {
      d = d > cap / 2 ? cap : d * 2;
    }
    d = Math.min(d, cap);
    long half = d / 2;
    return Duration.ofNanos(half + (long) (random * (d - half)));
  }
}
