package io.wharf.oci.policy.vuln;

import java.util.Locale;
import java.util.Optional;

/**
 * How severe a finding is, in ascending order, with the names scanners use (Trivy, Grype, Harbor,
 * CycloneDX ratings). {@link #UNKNOWN} is a finding the scanner could not rate; it ranks above
 * {@link #NONE} and below {@link #NEGLIGIBLE}, as in Harbor.
 */
public enum Severity {
  /** Rated as no risk (CycloneDX {@code none}, Harbor {@code None}). */
  NONE,
  /** Not rated by the scanner. */
  UNKNOWN,
  /** Grype's and Harbor's {@code Negligible}; CycloneDX {@code info}. */
  NEGLIGIBLE,
  /** Low. */
  LOW,
  /** Medium. */
  MEDIUM,
  /** High. */
  HIGH,
  /** Critical. */
  CRITICAL;

  /**
   * The severity a scanner names {@code name} (case-insensitive; {@code info} and {@code
   * informational} are {@link #NEGLIGIBLE}, {@code moderate} is {@link #MEDIUM}, {@code important}
   * is {@link #HIGH}); empty for anything else.
   */
  public static Optional<Severity> parse(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "none":
        return Optional.of(NONE);
      case "unknown":
        return Optional.of(UNKNOWN);
      case "negligible":
      case "info":
      case "informational":
        return Optional.of(NEGLIGIBLE);
      case "low":
        return Optional.of(LOW);
      case "medium":
      case "moderate":
        return Optional.of(MEDIUM);
      case "high":
      case "important":
        return Optional.of(HIGH);
      case "critical":
        return Optional.of(CRITICAL);
      default:
        return Optional.empty();
    }
  }

  /**
   * The severity of a CVSS v3 base score, as CVSS v3.1 rates them: 0 none, up to 3.9 low, up to 6.9
   * medium, up to 8.9 high, then critical.
   *
   * @throws IllegalArgumentException when the score is not between 0 and 10
   */
  public static Severity ofCvss(double score) {
    if (!(score >= 0 && score <= 10)) {
      throw new IllegalArgumentException("a CVSS score is between 0 and 10");
    }
    if (score == 0) {
      return NONE;
    }
    if (score < 4) {
      return LOW;
    }
    if (score < 7) {
      return MEDIUM;
    }
    return score < 9 ? HIGH : CRITICAL;
  }

  /** Whether this is {@code other} or more severe. */
  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}
