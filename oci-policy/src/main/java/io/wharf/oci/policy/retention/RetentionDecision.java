package io.wharf.oci.policy.retention;

import io.wharf.oci.policy.Reason;
import java.util.List;
import java.util.Objects;

/**
 * What retention does with one candidate, and why.
 *
 * <p>A retained candidate's reasons name each rule that retains it ({@code retained by rule
 * keep-recent: among the 3 most recently pushed in library/app}), or the immutable rule that
 * protects one of its tags, or say that no rule applies to its repository. A deleted candidate's
 * reasons say, for each rule that applies to its repository, why that rule does not retain it
 * ({@code rule keep-recent: the 5th most recently pushed in library/app; it retains 3}).
 *
 * @param candidate the artifact
 * @param retained whether it stays (false: it is deleted, with its tags)
 * @param reasons why, at least one
 */
public record RetentionDecision(
    RetentionCandidate candidate, boolean retained, List<Reason> reasons) {

  /** Checks that it says why. */
  public RetentionDecision {
    Objects.requireNonNull(candidate, "candidate");
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("a retention decision says why");
    }
  }

  /** Whether it is deleted. */
  public boolean deleted() {
    return !retained;
  }

  /**
   * One line for reports: the reasons of a retained candidate joined with {@code ; }, and for a
   * deleted one {@code no rule retains it: } and its reasons.
   */
  public String summary() {
    StringBuilder text = new StringBuilder(retained ? "" : "no rule retains it: ");
    for (int i = 0; i < reasons.size(); i++) {
      if (i > 0) {
        text.append("; ");
      }
      text.append(reasons.get(i).message());
    }
    return text.toString();
  }
}
