package io.wharf.oci.policy.sign.internal.cosign;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;

/**
 * Verifies a signature with a public key the way cosign (sigstore's {@code LoadVerifier}) makes
 * them, on the JCA: ECDSA P-256 with SHA-256, P-384 with SHA-384 (or SHA-256), P-521 with SHA-512;
 * RSA PKCS#1 v1.5 or PSS with SHA-256; Ed25519 over the message itself. The ECDSA signature is
 * ASN.1 DER, as cosign writes it.
 */
final class KeySignatures {

  /** The largest signature accepted (an RSA-8192 signature is 1 KiB). */
  static final int MAX_SIGNATURE_BYTES = 2048;

  private KeySignatures() {}

  /** Whether {@code signature} over {@code message} verifies with {@code key}. */
  static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
    if (signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
      return false;
    }
    for (Signature verifier : verifiersFor(key)) {
      try {
        verifier.initVerify(key);
        verifier.update(message);
        if (verifier.verify(signature)) {
          return true;
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        // a malformed signature or an unusable key: this algorithm does not verify it
      }
    }
    return false;
  }

  /**
   * Whether {@code signature} verifies with ECDSA key {@code key} over a message whose hash is
   * {@code digest} (a Sigstore message signature, checked by its digest). Only ECDSA can be checked
   * by the digest alone.
   */
  static boolean verifiesDigest(PublicKey key, byte[] digest, byte[] signature) {
    if (!(key instanceof ECPublicKey)
        || signature.length == 0
        || signature.length > MAX_SIGNATURE_BYTES) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("NONEwithECDSA");
      verifier.initVerify(key);
      verifier.update(digest);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** How reasons name the key's algorithm. */
  static String describe(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return "ECDSA P-" + ec.getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof RSAPublicKey rsa) {
      return "RSA-" + rsa.getModulus().bitLength();
    }
    return key.getAlgorithm();
  }

  private static List<Signature> verifiersFor(PublicKey key) {
    try {
      if (key instanceof ECPublicKey ec) {
        int bits = ec.getParams().getCurve().getField().getFieldSize();
        if (bits <= 256) {
          return List.of(Signature.getInstance("SHA256withECDSA"));
        }
        if (bits <= 384) {
          return List.of(
              Signature.getInstance("SHA384withECDSA"), Signature.getInstance("SHA256withECDSA"));
        }
        return List.of(
            Signature.getInstance("SHA512withECDSA"), Signature.getInstance("SHA256withECDSA"));
      }
      if (key instanceof RSAPublicKey) {
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        return List.of(Signature.getInstance("SHA256withRSA"), pss);
      }
      if ("EdDSA".equals(key.getAlgorithm()) || "Ed25519".equals(key.getAlgorithm())) {
        return List.of(Signature.getInstance("Ed25519"));
      }
    } catch (GeneralSecurityException e) {
      return List.of();
    }
    return List.of();
  }
}
