package io.wharf.oci.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A policy's answer about one artifact: allowed, or denied with every reason. An allowed decision
 * may still ask for something to happen ({@link #scanRequested()}: the artifact has no
 * vulnerability report and the policy lets it through while a scan is requested).
 *
 * @param allowed whether it is allowed
 * @param reasons why not (empty when allowed)
 * @param scanRequested whether the policy asks for a vulnerability scan of the artifact
 */
public record Decision(boolean allowed, List<Reason> reasons, boolean scanRequested) {

  private static final Decision ALLOW = new Decision(true, List.of(), false);

  /** Checks that a denial says why and an allowance says nothing. */
  public Decision {
    reasons = List.copyOf(reasons);
    if (allowed && !reasons.isEmpty()) {
      throw new IllegalArgumentException("an allowed decision carries no reasons");
    }
    if (!allowed && reasons.isEmpty()) {
      throw new IllegalArgumentException("a denial says why");
    }
  }

  /** Allowed. */
  public static Decision allow() {
    return ALLOW;
  }

  /** Allowed, and a vulnerability scan of the artifact is requested. */
  public static Decision allowAndScan() {
    return new Decision(true, List.of(), true);
  }

  /** Denied by {@code rule} for {@code message}. */
  public static Decision deny(String rule, String message) {
    return new Decision(false, List.of(new Reason(rule, message)), false);
  }

  /** Denied for {@code reasons} (at least one). */
  public static Decision deny(List<Reason> reasons) {
    return new Decision(false, reasons, false);
  }

  /** Whether it is denied. */
  public boolean denied() {
    return !allowed;
  }

  /** The reasons' messages, in order: what a registry sends in its {@code 403 DENIED}. */
  public List<String> messages() {
    List<String> all = new ArrayList<>(reasons.size());
    for (Reason reason : reasons) {
      all.add(reason.message());
    }
    return all;
  }

  /**
   * Both decisions: allowed when both are, denied with the reasons of each that denies; a scan is
   * requested when either requests one.
   */
  public Decision and(Decision other) {
    Objects.requireNonNull(other, "other");
    boolean scan = scanRequested || other.scanRequested;
    if (allowed && other.allowed) {
      return scan == scanRequested ? this : other;
    }
    List<Reason> all = new ArrayList<>(reasons);
    all.addAll(other.reasons);
    return new Decision(false, all, scan);
  }
}
