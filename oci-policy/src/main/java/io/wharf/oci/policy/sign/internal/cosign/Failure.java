package io.wharf.oci.policy.sign.internal.cosign;

/**
 * Why a signature does not verify: one line a user can act on, never the signature bytes. Thrown
 * inside the verification and turned into a failed {@link io.wharf.oci.policy.sign.SignatureCheck}
 * at its edge; carries no stack trace.
 */
final class Failure extends Exception {

  private static final long serialVersionUID = 1L;

  Failure(String message) {
    super(oneLine(message), null, false, false);
  }

  /** {@code text} on one line, at most 300 characters (reasons quote untrusted input). */
  static String oneLine(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
    for (int i = 0; i < text.length() && out.length() < 300; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (out.length() < text.length()) {
      out.append('…');
    }
    return out.toString();
  }
}
