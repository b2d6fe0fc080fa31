package io.wharf.oci.policy.sign;

import java.util.List;

/** Verifiers of cosign signatures and Sigstore bundles. */
public final class CosignVerifiers {

  private CosignVerifiers() {}

  /**
   * A verifier of signatures made with the private key of {@code pem} (an ECDSA P-256 or P-384, RSA
   * or Ed25519 public key, PEM), in cosign's simple-signing format and in Sigstore bundles.
   *
   * @param name how reasons name the key ({@code cosign.pub})
   * @param pem the public key
   * @param root the trusted root whose transparency-log keys check a Rekor entry, when {@code
   *     options} require one (may be null otherwise)
   * @throws SignatureTrustException when the key does not parse
   */
  public static SignatureVerifier publicKey(
      String name, String pem, SigstoreTrust root, CosignOptions options)
      throws SignatureTrustException {
    throw new UnsupportedOperationException("TEMPORARY: built by the cosign part of issue 14");
  }

  /**
   * A verifier of keyless signatures: the certificate chains to one of {@code root}'s Fulcio
   * authorities at the time the transparency log recorded it, names one of {@code identities}, and
   * the log entry (signed entry timestamp or inclusion proof) verifies against the root's log keys,
   * offline.
   */
  public static SignatureVerifier keyless(
      SigstoreTrust root, List<KeylessIdentity> identities, CosignOptions options) {
    throw new UnsupportedOperationException("TEMPORARY: built by the cosign part of issue 14");
  }
}
