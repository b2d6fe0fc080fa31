package io.wharf.oci.policy.sign.internal.notation;

/**
 * A signature envelope that cannot be used: it does not parse, breaks a bound or breaks Notation's
 * rules. The message is one line that says why, without the envelope's bytes.
 */
public final class BadSignatureException extends Exception {

  private static final long serialVersionUID = 1L;

  /** An unusable envelope, because of {@code message}. */
  public BadSignatureException(String message) {
    super(message, null, false, false);
  }
}
