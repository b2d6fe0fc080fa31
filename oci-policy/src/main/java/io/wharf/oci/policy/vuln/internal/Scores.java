package io.wharf.oci.policy.vuln.internal;

import io.wharf.oci.policy.vuln.ReportException;
import io.wharf.oci.policy.vuln.Severity;
import java.util.Optional;

/**
 * Picks one CVSS base score among those a report gives: the highest of version 3 or later, and the
 * highest of version 2 only when there is none of a later version. Checks each score on the way.
 */
final class Scores {

  private double newest = -1;
  private double v2 = -1;

  /** Adds a CVSS v3.x or v4 score read at {@code where}. */
  void newer(Node where, Optional<Double> score) {
    if (score.isPresent()) {
      newest = Math.max(newest, check(where, score.get()));
    }
  }

  /** Adds a CVSS v2 score read at {@code where}. */
  void v2(Node where, Optional<Double> score) {
    if (score.isPresent()) {
      v2 = Math.max(v2, check(where, score.get()));
    }
  }

  /** The score picked, if any was given. */
  Optional<Double> best() {
    if (newest >= 0) {
      return Optional.of(newest);
    }
    return v2 >= 0 ? Optional.of(v2) : Optional.empty();
  }

  /**
   * {@code score}, checked to be a CVSS score (0 to 10).
   *
   * @throws ReportException at {@code where} when it is not
   */
  static double check(Node where, double score) {
    if (!(score >= 0 && score <= 10)) {
      throw where.error(score + " is not a CVSS score (0 to 10)");
    }
    return score;
  }

  /**
   * The severity named {@code name} at {@code where}.
   *
   * @throws ReportException when the name is not one of {@link Severity}'s
   */
  static Severity severity(Node where, String name) {
    return Severity.parse(name)
        .orElseThrow(() -> where.error("'" + Strings.abbreviate(name) + "' is not a severity"));
  }

  /** The severity of string member {@code name} of {@code node}; empty when absent or blank. */
  static Optional<Severity> severityOf(Node node, String member) {
    Optional<String> text = node.nonBlank(member);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(severity(node.member(member).orElseThrow(), text.get()));
  }
}
