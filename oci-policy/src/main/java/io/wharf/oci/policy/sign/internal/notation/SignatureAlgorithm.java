package io.wharf.oci.policy.sign.internal.notation;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Optional;

/**
 * The signature algorithms of the Notary Project signature specification: RSASSA-PSS with SHA-2 and
 * ECDSA over the NIST curves, each bound to one key size (RSA 2048, 3072, 4096; P-256, P-384,
 * P-521), as Notation derives the algorithm from the signing certificate's key. Verified with JCA.
 */
enum SignatureAlgorithm {
  PS256("PS256", -37, "SHA-256", 32, "RSA", 2048),
  PS384("PS384", -38, "SHA-384", 48, "RSA", 3072),
  PS512("PS512", -39, "SHA-512", 64, "RSA", 4096),
  ES256("ES256", -7, "SHA-256", 32, "EC", 256),
  ES384("ES384", -35, "SHA-384", 48, "EC", 384),
  ES512("ES512", -36, "SHA-512", 64, "EC", 521);

  private final String jwsName;
  private final long coseId;
  private final String digest;
  private final int digestLength;
  private final String keyType;
  private final int keySize;

  SignatureAlgorithm(
      String jwsName, long coseId, String digest, int digestLength, String keyType, int keySize) {
    this.jwsName = jwsName;
    this.coseId = coseId;
    this.digest = digest;
    this.digestLength = digestLength;
    this.keyType = keyType;
    this.keySize = keySize;
  }

  /** The algorithm JWS names {@code name} ({@code "alg"}). */
  static Optional<SignatureAlgorithm> ofJws(String name) {
    return Envelopes.named(values(), name);
  }

  /** The algorithm COSE numbers {@code id} (label 1). */
  static Optional<SignatureAlgorithm> ofCose(long id) {
    for (SignatureAlgorithm a : values()) {
      if (a.coseId == id) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /**
   * The algorithm Notation signs with for {@code key}: by key type and size.
   *
   * @return empty for a key Notation does not sign with (RSA of another size, another curve)
   */
  static Optional<SignatureAlgorithm> forKey(PublicKey key) {
    int size;
    if (key instanceof RSAPublicKey rsa) {
      size = rsa.getModulus().bitLength();
    } else if (key instanceof ECPublicKey ec) {
      size = ec.getParams().getCurve().getField().getFieldSize();
    } else {
      return Optional.empty();
    }
    for (SignatureAlgorithm a : values()) {
      if (a.keyType.equals(key.getAlgorithm()) && a.keySize == size) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** How a key is described in messages: {@code RSA 2048}, {@code EC P-256}. */
  static String describe(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return "RSA " + rsa.getModulus().bitLength();
    }
    if (key instanceof ECPublicKey ec) {
      return "EC " + ec.getParams().getCurve().getField().getFieldSize() + " bits";
    }
    return key.getAlgorithm();
  }

  /**
   * Whether {@code signature} is {@code key}'s signature over {@code signed} (for ECDSA, in the
   * fixed-length {@code r || s} form that JWS and COSE use).
   */
  boolean verifies(PublicKey key, byte[] signed, byte[] signature) {
    try {
      Signature verifier;
      if (keyType.equals("RSA")) {
        verifier = Signature.getInstance("RSASSA-PSS");
        verifier.setParameter(
            new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), digestLength, 1));
      } else {
        verifier = Signature.getInstance(digest.replace("-", "") + "withECDSAinP1363Format");
      }
      verifier.initVerify(key);
      verifier.update(signed);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return jwsName;
  }
}
