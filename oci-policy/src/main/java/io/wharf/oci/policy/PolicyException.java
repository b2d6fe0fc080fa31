package io.wharf.oci.policy;

import java.util.List;

/**
 * A policy document, or a set of them, that cannot be applied, with every error found: a document
 * is applied whole or not at all. The message lists the errors one per line, as {@code
 * file:LINE:COL: PATH: message}.
 */
public final class PolicyException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<PolicyError> errors;

  /**
   * An exception for {@code errors} (at least one).
   *
   * @throws IllegalArgumentException when {@code errors} is empty
   */
  public PolicyException(List<PolicyError> errors) {
    super(message(errors));
    this.errors = List.copyOf(errors);
  }

  /** Every error, in the order of the document. */
  public List<PolicyError> errors() {
    return errors;
  }

  private static String message(List<PolicyError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a policy exception has at least one error");
    }
    StringBuilder text = new StringBuilder();
    for (PolicyError error : errors) {
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(error);
    }
    return text.toString();
  }
}
