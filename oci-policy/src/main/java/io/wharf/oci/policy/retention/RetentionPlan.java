package io.wharf.oci.policy.retention;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a retention evaluation of one project: a decision for every candidate given, in a
 * fixed order (by repository, then most recently pushed first, then by digest). A dry run prints
 * it; a run deletes its {@link #deleted()} candidates.
 *
 * @param project the project
 * @param evaluatedAt the instant the rules were evaluated at ({@code now})
 * @param decisions one per candidate, in order
 */
public record RetentionPlan(
    String project, Instant evaluatedAt, List<RetentionDecision> decisions) {

  /** Copies. */
  public RetentionPlan {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(evaluatedAt, "evaluatedAt");
    decisions = List.copyOf(decisions);
  }

  /**
   * Every candidate retained, because {@code project} has no retention rules.
   *
   * @throws IllegalArgumentException when a candidate is outside the project or given twice
   */
  public static RetentionPlan retainAll(
      String project, Collection<RetentionCandidate> candidates, Instant now) {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(candidates, "candidates");
    Objects.requireNonNull(now, "now");
    return RetentionEvaluator.retainAll(project, candidates, now);
  }

  /** The decisions that retain, in order. */
  public List<RetentionDecision> retained() {
    return decisions.stream().filter(RetentionDecision::retained).toList();
  }

  /** The decisions that delete, in order. */
  public List<RetentionDecision> deleted() {
    return decisions.stream().filter(RetentionDecision::deleted).toList();
  }

  /** The decision about manifest {@code digest} of {@code repository}, if it was a candidate. */
  public Optional<RetentionDecision> decision(RepositoryName repository, Digest digest) {
    for (RetentionDecision decision : decisions) {
      RetentionCandidate candidate = decision.candidate();
      if (candidate.repository().equals(repository) && candidate.digest().equals(digest)) {
        return Optional.of(decision);
      }
    }
    return Optional.empty();
  }
}
