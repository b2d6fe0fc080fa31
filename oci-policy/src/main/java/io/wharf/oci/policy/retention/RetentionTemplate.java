package io.wharf.oci.policy.retention;

import java.util.Objects;

/**
 * What a retention rule keeps of the artifacts it selects in one repository: one of Harbor's rule
 * templates.
 *
 * <ul>
 *   <li>{@link Kind#MOST_RECENTLY_PUSHED} (Harbor's {@code latestPushedK}): the K most recently
 *       pushed. Ties in push time go to the smaller digest.
 *   <li>{@link Kind#MOST_RECENTLY_PULLED} ({@code latestPulledN}): the K most recently pulled; an
 *       artifact never pulled counts as pulled before any that was, so it is kept only while fewer
 *       than K selected artifacts were pulled. Ties go to the more recently pushed, then to the
 *       smaller digest.
 *   <li>{@link Kind#PUSHED_WITHIN_DAYS} ({@code nDaysSinceLastPush}): those pushed at or after N
 *       times 24 hours before the evaluation.
 *   <li>{@link Kind#PULLED_WITHIN_DAYS} ({@code nDaysSinceLastPull}): those pulled at or after N
 *       times 24 hours before the evaluation; never pulled is never within.
 *   <li>{@link Kind#ALWAYS} ({@code always}): all of them.
 * </ul>
 *
 * Counts are per repository (Harbor's documented example 1), never across a project.
 *
 * @param kind which template
 * @param amount K (a count, 1 to {@value #MAX_COUNT}) or N (days, 1 to {@value #MAX_DAYS}); 0 for
 *     {@link Kind#ALWAYS}
 */
public record RetentionTemplate(Kind kind, int amount) {

  /** The largest K. */
  public static final int MAX_COUNT = 10_000;

  /** The largest N, in days (100 years). */
  public static final int MAX_DAYS = 36_500;

  /** The templates. */
  public enum Kind {
    /** The K most recently pushed. */
    MOST_RECENTLY_PUSHED,
    /** The K most recently pulled. */
    MOST_RECENTLY_PULLED,
    /** Those pushed within the last N days. */
    PUSHED_WITHIN_DAYS,
    /** Those pulled within the last N days. */
    PULLED_WITHIN_DAYS,
    /** All of them. */
    ALWAYS;

    /** Whether the amount is a count (K) rather than days (N) or nothing. */
    public boolean counts() {
      return this == MOST_RECENTLY_PUSHED || this == MOST_RECENTLY_PULLED;
    }

    /** Whether the amount is a number of days. */
    public boolean days() {
      return this == PUSHED_WITHIN_DAYS || this == PULLED_WITHIN_DAYS;
    }
  }

  /** Checks the amount against the kind's bounds. */
  public RetentionTemplate {
    Objects.requireNonNull(kind, "kind");
    if (kind.counts() && (amount < 1 || amount > MAX_COUNT)) {
      throw new IllegalArgumentException(
          kind + " keeps 1 to " + MAX_COUNT + " artifacts, not " + amount);
    }
    if (kind.days() && (amount < 1 || amount > MAX_DAYS)) {
      throw new IllegalArgumentException(
          kind + " counts 1 to " + MAX_DAYS + " days, not " + amount);
    }
    if (kind == Kind.ALWAYS && amount != 0) {
      throw new IllegalArgumentException("ALWAYS takes no amount, not " + amount);
    }
  }

  /** The {@code k} most recently pushed. */
  public static RetentionTemplate mostRecentlyPushed(int k) {
    return new RetentionTemplate(Kind.MOST_RECENTLY_PUSHED, k);
  }

  /** The {@code k} most recently pulled. */
  public static RetentionTemplate mostRecentlyPulled(int k) {
    return new RetentionTemplate(Kind.MOST_RECENTLY_PULLED, k);
  }

  /** Those pushed within the last {@code days} days. */
  public static RetentionTemplate pushedWithinDays(int days) {
    return new RetentionTemplate(Kind.PUSHED_WITHIN_DAYS, days);
  }

  /** Those pulled within the last {@code days} days. */
  public static RetentionTemplate pulledWithinDays(int days) {
    return new RetentionTemplate(Kind.PULLED_WITHIN_DAYS, days);
  }

  /** All of them. */
  public static RetentionTemplate always() {
    return new RetentionTemplate(Kind.ALWAYS, 0);
  }

  /** In words, as reasons and documents say it: {@code the 3 most recently pushed}. */
  @Override
  public String toString() {
    switch (kind) {
      case MOST_RECENTLY_PUSHED:
        return "the " + count(amount) + "most recently pushed";
      case MOST_RECENTLY_PULLED:
        return "the " + count(amount) + "most recently pulled";
      case PUSHED_WITHIN_DAYS:
        return "pushed within the last " + days(amount);
      case PULLED_WITHIN_DAYS:
        return "pulled within the last " + days(amount);
      default:
        return "always";
    }
  }

  private static String count(int k) {
    return k == 1 ? "" : k + " ";
  }

  static String days(int n) {
    return n == 1 ? "day" : n + " days";
  }
}
