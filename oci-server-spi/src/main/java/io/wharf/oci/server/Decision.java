package io.wharf.oci.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An {@link Authorizer}'s or {@link AdmissionGate}'s answer: allowed, or denied with every reason,
 * in words the user can act on ("tag v1 is immutable; push a new tag"). A denial carries at least
 * one reason; the engine sends them in the error body of its {@code 403 DENIED}, where {@code
 * skopeo} and {@code podman} print them.
 *
 * @param allowed whether it is allowed
 * @param reasons why not (empty when allowed)
 */
public record Decision(boolean allowed, List<String> reasons) {

  private static final Decision ALLOW = new Decision(true, List.of());

  /** Checks that a denial says why and an allowance says nothing. */
  public Decision {
    reasons = List.copyOf(reasons);
    if (allowed && !reasons.isEmpty()) {
      throw new IllegalArgumentException("an allowed decision carries no reasons");
    }
    if (!allowed && reasons.isEmpty()) {
      throw new IllegalArgumentException("a denial says why");
    }
    for (String reason : reasons) {
      if (reason.isBlank()) {
        throw new IllegalArgumentException("a reason is not blank");
      }
    }
  }

  /** Allowed. */
  public static Decision allow() {
    return ALLOW;
  }

  /** Denied for {@code reason} (and {@code more}). */
  public static Decision deny(String reason, String... more) {
    List<String> all = new ArrayList<>(1 + more.length);
    all.add(Objects.requireNonNull(reason, "reason"));
    all.addAll(List.of(more));
    return new Decision(false, all);
  }

  /** Denied for {@code reasons} (at least one). */
  public static Decision deny(List<String> reasons) {
    return new Decision(false, reasons);
  }

  /** Whether it is denied. */
  public boolean denied() {
    return !allowed;
  }

  /** Allowed when both are; denied with the reasons of each that denies. */
  public Decision and(Decision other) {
    if (allowed) {
      return other;
    }
    if (other.allowed) {
      return this;
    }
    List<String> all = new ArrayList<>(reasons);
    all.addAll(other.reasons);
    return new Decision(false, all);
  }
}
