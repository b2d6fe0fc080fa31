package io.wharf.oci.policy.sign;

import io.wharf.oci.policy.sign.internal.Pem;
import io.wharf.oci.policy.sign.internal.cosign.CosignSignatureVerifier;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Verifiers of cosign signatures and Sigstore bundles. Both verify the formats {@link
 * SignatureFormat#COSIGN} (a {@code .sig} manifest of simple-signing layers, one check per layer)
 * and {@link SignatureFormat#SIGSTORE_BUNDLE} (a referrer whose layer is a bundle v0.1 to v0.3,
 * message signature or DSSE envelope), reading layers through the policy context under bounds
 * (payloads of 64 KiB, bundles of 1 MiB, 32 layers per manifest).
 */
public final class CosignVerifiers {

  private CosignVerifiers() {}

  /**
   * A verifier of signatures made with the private key of {@code pem} (an ECDSA P-256 or P-384, RSA
   * or Ed25519 public key, PEM), in cosign's simple-signing format and in Sigstore bundles.
   *
   * <p>A signature counts when it verifies with the key (ECDSA with SHA-256, or SHA-384 for P-384;
   * RSA PKCS#1 v1.5 or PSS with SHA-256; Ed25519), its payload's {@code critical.type} is {@code
   * cosign container image signature} and its {@code docker-manifest-digest} is the subject's
   * digest, and, when {@code options} require it, its {@code docker-reference} names the subject's
   * {@code registry/repository} and a Rekor entry (the {@code dev.sigstore.cosign/bundle}
   * annotation, a bundle's {@code tlogEntries}) verifies with {@code root}'s log keys and records
   * this signature and key. A Rekor entry that is present is checked whenever {@code root} is
   * given.
   *
   * @param name how reasons name the key ({@code cosign.pub}); the verifier is {@code key <name>}
   * @param pem the public key
   * @param root the trusted root whose transparency-log keys check a Rekor entry, when {@code
   *     options} require one (may be null otherwise)
   * @throws SignatureTrustException when the key does not parse, or when the options require a
   *     transparency log and {@code root} has no Rekor key
   */
  public static SignatureVerifier publicKey(
      String name, String pem, @Nullable SigstoreTrust root, CosignOptions options)
      throws SignatureTrustException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(options, "options");
    return CosignSignatureVerifier.publicKey(
        name, Pem.publicKey(name, pem), root == null ? null : root.root(), options);
  }

  /**
   * A verifier of keyless signatures: the certificate chains to one of {@code root}'s Fulcio
   * authorities at the time the transparency log recorded it, names one of {@code identities}, and
   * the log entry (signed entry timestamp or inclusion proof) verifies against the root's log keys,
   * offline.
   *
   * <p>The time is the integrated time of an entry whose signed entry timestamp verifies (an
   * inclusion proof is checked too when present, but does not date the entry); the certificate must
   * be for code signing; the issuer is read from Fulcio's extension 1.3.6.1.4.1.57264.1.8 (or the
   * older .1.1) and the identity from the e-mail or URI subject alternative name. The verifier is
   * named {@code keyless <identities>}.
   *
   * @throws IllegalArgumentException when {@code identities} is empty
   */
  public static SignatureVerifier keyless(
      SigstoreTrust root, List<KeylessIdentity> identities, CosignOptions options) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(options, "options");
    return CosignSignatureVerifier.keyless(root.root(), identities, options);
  }
}
