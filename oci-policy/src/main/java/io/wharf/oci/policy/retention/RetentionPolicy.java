package io.wharf.oci.policy.retention;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A project's retention policy: its rules, OR'ed (an artifact is retained when any rule that
 * applies to its repository retains it). The package documentation has the semantics, which are
 * Harbor's.
 *
 * @param rules 1 to {@value #MAX_RULES} rules (Harbor's limit per project), names unique
 */
public record RetentionPolicy(List<RetentionRule> rules) {

  /** The most rules a project has, as in Harbor. */
  public static final int MAX_RULES = 15;

  /** Checks the count and that names are unique. */
  public RetentionPolicy {
    rules = List.copyOf(rules);
    if (rules.isEmpty() || rules.size() > MAX_RULES) {
      throw new IllegalArgumentException(
          "a retention policy has 1 to " + MAX_RULES + " rules, not " + rules.size());
    }
    Set<String> names = new HashSet<>();
    for (RetentionRule rule : rules) {
      if (!names.add(rule.name())) {
        throw new IllegalArgumentException("duplicate retention rule name '" + rule.name() + "'");
      }
    }
  }

  /** A policy of {@code rules}. */
  public static RetentionPolicy of(RetentionRule... rules) {
    return new RetentionPolicy(List.of(rules));
  }

  /**
   * Judges the top-level artifacts of {@code project} at {@code now}: each is retained or deleted,
   * with reasons. An artifact that no rule retains but that carries a tag {@code immutable} names
   * is retained.
   *
   * @param project the project (every candidate's repository is in it)
   * @param candidates the project's top-level artifacts (referrers and index children follow their
   *     subject or index and are not candidates); each repository and digest once
   * @param now the instant "within N days" counts back from
   * @param immutable the tags that may never be removed
   * @throws IllegalArgumentException when a candidate is outside the project or given twice
   */
  public RetentionPlan plan(
      String project,
      Collection<RetentionCandidate> candidates,
      Instant now,
      ImmutableTags immutable) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(candidates, "candidates");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(immutable, "immutable");
    return new RetentionEvaluator(project, rules, now, immutable).plan(candidates);
  }
}
