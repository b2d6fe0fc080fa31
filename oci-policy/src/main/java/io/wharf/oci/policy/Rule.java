package io.wharf.oci.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One rule of a policy: what it applies to and what it enforces (a vulnerability gate, a signature
 * requirement, tag immutability, or several of them).
 *
 * @param name unique among the rules in force: {@code [a-z0-9][a-z0-9._-]{0,63}}; decisions name it
 * @param match what it applies to
 * @param vulnerabilities the vulnerability gate on pull, if any
 * @param signatures the signature requirement on pull, if any
 * @param immutable whether the tags it matches can be neither moved nor deleted
 */
public record Rule(
    String name,
    RuleMatch match,
    Optional<VulnerabilityRule> vulnerabilities,
    Optional<SignatureRule> signatures,
    boolean immutable) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /**
   * Validates: a valid name, and at least one of a vulnerability gate, a signature requirement and
   * immutability.
   */
  public Rule {
    Objects.requireNonNull(name, "name");
    if (!validName(name)) {
      throw new IllegalArgumentException(
          "rule name '" + name + "' is not [a-z0-9][a-z0-9._-]{0,63}");
    }
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(vulnerabilities, "vulnerabilities");
    Objects.requireNonNull(signatures, "signatures");
    if (vulnerabilities.isEmpty() && signatures.isEmpty() && !immutable) {
      throw new IllegalArgumentException(
          "rule " + name + " has at least one of vulnerabilities, signatures, immutable");
    }
  }

  /** A rule without a signature requirement. */
  public Rule(
      String name,
      RuleMatch match,
      Optional<VulnerabilityRule> vulnerabilities,
      boolean immutable) {
    this(name, match, vulnerabilities, Optional.empty(), immutable);
  }

  /** Whether {@code name} is a valid rule name. */
  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }

  /** Whether it judges pulls: it has a vulnerability gate or a signature requirement. */
  public boolean judgesPulls() {
    return vulnerabilities.isPresent() || signatures.isPresent();
  }
}
