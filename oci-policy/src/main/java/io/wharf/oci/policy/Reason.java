package io.wharf.oci.policy;

import java.util.Objects;

/**
 * One reason of a {@link Decision}, in words a user can act on ("CVE-2024-3094 (CRITICAL) in
 * xz-utils 5.6.0, fixed in 5.6.1; allowlist it or push a fixed image"), with the rule that gave it.
 *
 * @param rule the name of the rule that gave the reason, as its policy document names it (or the
 *     kind of rule, such as {@code vulnerability}, when the rule has no name)
 * @param message the reason itself: one line, no secrets
 */
public record Reason(String rule, String message) {

  /** Checks that neither part is blank and that the message is one line. */
  public Reason {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
    if (rule.isBlank() || message.isBlank()) {
      throw new IllegalArgumentException("a reason names its rule and says something");
    }
    if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a reason is one line");
    }
  }

  @Override
  public String toString() {
    return message;
  }
}
