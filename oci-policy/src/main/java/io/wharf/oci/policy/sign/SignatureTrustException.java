package io.wharf.oci.policy.sign;

/**
 * Trust material that cannot be used: a public key or certificate that does not parse, a Sigstore
 * trusted root or a Notation trust policy that is malformed. The message says what and where, never
 * the material itself.
 */
public final class SignatureTrustException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Trust material that cannot be used, because of {@code message}. */
  public SignatureTrustException(String message) {
    super(message);
  }

  /** Trust material that cannot be used, because of {@code message} caused by {@code cause}. */
  public SignatureTrustException(String message, Throwable cause) {
    super(message, cause);
  }
}
