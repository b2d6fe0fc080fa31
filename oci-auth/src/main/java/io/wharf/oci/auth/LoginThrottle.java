package io.wharf.oci.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Counts failed logins per key (a user name, a client address) and blocks a key for a while once it
 * failed too often: the {@code maxFailures}-th failure blocks it for {@code firstDelay}, each
 * further one for twice as long as the one before, up to {@code maxDelay}. A key is forgotten once
 * {@code window} passed after its last failure (or after its block ended).
 *
 * <p>Attempts in flight count as well: an attempt {@linkplain #begin begins} only while the key's
 * failures plus its attempts in flight are below {@code maxFailures} (once a block ended, one
 * attempt at a time), so that many guesses sent at once cannot all be checked before the first
 * fails. (Logins with the same credentials share one check, so a client's parallel requests count
 * once.)
 *
 * <p>At most {@code maxKeys} keys are kept: when more fail, the one used least recently is
 * forgotten. Thread-safe: one lock, a few map operations a call.
 */
final class LoginThrottle {

  private final int maxFailures;
  private final Duration window;
  private final Duration firstDelay;
  private final Duration maxDelay;
  private final Map<String, State> states;

  /**
   * Whether no key is kept: written under the lock after every change, read without it, so that the
   * common case (nobody failing) costs a logged-in client's every request no lock at all.
   */
  private volatile boolean empty = true;

  /**
   * A key's failures since it was last forgotten, its attempts in flight, and when it became (or
   * becomes) free to try: the time of its last failure, or the end of its block.
   */
  private record State(int failures, int pending, Instant freeAt) {}

  LoginThrottle(
      int maxFailures, Duration window, Duration firstDelay, Duration maxDelay, int maxKeys) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.firstDelay = firstDelay;
    this.maxDelay = maxDelay;
    this.states =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /** Whether no key is kept (nobody failed lately): then no key is blocked. */
  boolean isEmpty() {
    return empty;
  }

  /** How long {@code key} is still blocked at {@code now}, if it is. */
  Optional<Duration> blocked(String key, Instant now) {
    if (empty) {
      return Optional.empty();
    }
    synchronized (this) {
      State s = current(key, now);
      return s != null && now.isBefore(s.freeAt())
          ? Optional.of(Duration.between(now, s.freeAt()))
          : Optional.empty();
    }
  }

  /**
   * Begins an attempt for {@code key}: empty when it may go ahead (it is then in flight until
   * {@link #end}), else how long to wait.
   */
  synchronized Optional<Duration> begin(String key, Instant now) {
    State s = current(key, now);
    if (s == null) {
      states.put(key, new State(0, 1, now));
      empty = false;
      return Optional.empty();
    }
    if (now.isBefore(s.freeAt())) {
      return Optional.of(Duration.between(now, s.freeAt()));
    }
    if (s.pending() >= Math.max(1, maxFailures - s.failures())) {
      return Optional.of(firstDelay);
    }
    states.put(key, new State(s.failures(), s.pending() + 1, s.freeAt()));
    return Optional.empty();
  }

  /**
   * Ends an attempt of {@code key} that {@link #begin} let go ahead.
   *
   * @param failed whether it failed (counted, perhaps blocking the key)
   * @param reset whether a success forgets the key's failures
   */
  synchronized void end(String key, Instant now, boolean failed, boolean reset) {
    State s = current(key, now);
    int failures = s == null ? 0 : s.failures();
    int pending = s == null ? 0 : Math.max(0, s.pending() - 1);
    Instant freeAt = s == null ? now : s.freeAt();
    if (failed) {
      failures++;
      freeAt = failures >= maxFailures ? now.plus(delay(failures - maxFailures)) : now;
    } else if (reset) {
      failures = 0;
    }
    if (failures == 0 && pending == 0) {
      states.remove(key);
    } else {
      states.put(key, new State(failures, pending, freeAt));
    }
    empty = states.isEmpty();
  }

  /** How many keys are kept. */
  synchronized int size() {
    return states.size();
  }

  /** The state of {@code key}, forgetting it when it went quiet long enough. */
  private @Nullable State current(String key, Instant now) {
    State s = states.get(key);
    if (s != null && s.pending() == 0 && now.isAfter(s.freeAt().plus(window))) {
      states.remove(key);
      empty = states.isEmpty();
      return null;
    }
    return s;
  }

  private Duration delay(int step) {
    Duration d = firstDelay;
    for (int i = 0; i < step && d.compareTo(maxDelay) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }
}
