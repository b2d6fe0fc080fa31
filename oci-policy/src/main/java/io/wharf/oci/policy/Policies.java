package io.wharf.oci.policy;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The {@link PolicySet} in force, replaced atomically at run time (a reload): a request that reads
 * {@link #current()} once sees the old set or the new one, never a mix. Thread-safe.
 *
 * <p>{@link #generation()} counts replacements and only increases; {@link PolicySet#revision()}
 * identifies a set's content (a cache key).
 */
public final class Policies {

  private volatile PolicySet current;
  private volatile long generation;
  private final List<Consumer<PolicySet>> listeners = new CopyOnWriteArrayList<>();

  private Policies(PolicySet initial) {
    this.current = Objects.requireNonNull(initial, "initial");
  }

  /** Policies starting with {@code initial}. */
  public static Policies of(PolicySet initial) {
    return new Policies(initial);
  }

  /** Policies starting with none: everything is allowed until a set replaces it. */
  public static Policies empty() {
    return new Policies(PolicySet.empty());
  }

  /** The set in force now. */
  public PolicySet current() {
    return current;
  }

  /** How many times the set was replaced. */
  public long generation() {
    return generation;
  }

  /**
   * Puts {@code next} in force, then tells the listeners (on this thread, in the order they were
   * added; a listener that throws stops the others, after the set is in force). Replacements are
   * serialised.
   *
   * @return the new generation
   */
  public long replace(PolicySet next) {
    Objects.requireNonNull(next, "next");
    long now;
    synchronized (this) {
      current = next;
      now = ++generation;
    }
    for (Consumer<PolicySet> listener : listeners) {
      listener.accept(next);
    }
    return now;
  }

  /** Calls {@code listener} with each set put in force from now on. */
  public void addListener(Consumer<PolicySet> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }
}
