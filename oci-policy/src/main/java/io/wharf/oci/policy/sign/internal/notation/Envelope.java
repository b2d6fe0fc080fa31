package io.wharf.oci.policy.sign.internal.notation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A parsed Notation signature envelope (JWS or COSE_Sign1), its headers checked against Notation's
 * rules but not yet its signature, certificates or times.
 */
final class Envelope {

  /** Notation's signing schemes. */
  enum SigningScheme {
    /** {@code notary.x509}: the signing time is the signer's claim; timestamps prove it. */
    X509("notary.x509", "ca"),
    /** {@code notary.x509.signingAuthority}: a signing authority vouches for the time. */
    SIGNING_AUTHORITY("notary.x509.signingAuthority", "signingAuthority");

    private final String value;
    private final String storeType;

    SigningScheme(String value, String storeType) {
      this.value = value;
      this.storeType = storeType;
    }

    static Optional<SigningScheme> of(String value) {
      return Envelopes.named(values(), value);
    }

    /** The trust store type whose certificates this scheme's chains lead to. */
    String storeType() {
      return storeType;
    }

    @Override
    public String toString() {
      return value;
    }
  }

  private final String format;
  private final SignatureAlgorithm algorithm;
  private final SigningScheme scheme;
  private final Instant signingTime;
  private final Optional<Instant> expiry;
  private final Optional<Instant> authenticSigningTime;
  private final List<X509Certificate> chain;
  private final TargetArtifact target;
  private final byte[] signed;
  private final byte[] signature;
  private final Optional<byte[]> timestamp;

  Envelope(
      String format,
      SignatureAlgorithm algorithm,
      SigningScheme scheme,
      Instant signingTime,
      Optional<Instant> expiry,
      Optional<Instant> authenticSigningTime,
      List<X509Certificate> chain,
      TargetArtifact target,
      byte[] signed,
      byte[] signature,
      Optional<byte[]> timestamp) {
    this.format = format;
    this.algorithm = algorithm;
    this.scheme = scheme;
    this.signingTime = signingTime;
    this.expiry = expiry;
    this.authenticSigningTime = authenticSigningTime;
    this.chain = List.copyOf(chain);
    this.target = target;
    this.signed = signed.clone();
    this.signature = signature.clone();
    this.timestamp = timestamp.map(byte[]::clone);
  }

  /** {@code JWS} or {@code COSE}. */
  String format() {
    return format;
  }

  SignatureAlgorithm algorithm() {
    return algorithm;
  }

  SigningScheme scheme() {
    return scheme;
  }

  /** {@code io.cncf.notary.signingTime}: the signer's claim. */
  Instant signingTime() {
    return signingTime;
  }

  /** {@code io.cncf.notary.expiry}, when the signer set one. */
  Optional<Instant> expiry() {
    return expiry;
  }

  /** {@code io.cncf.notary.authenticSigningTime} (signing authority scheme only). */
  Optional<Instant> authenticSigningTime() {
    return authenticSigningTime;
  }

  /** The certificate chain, leaf first (at least one). */
  List<X509Certificate> chain() {
    return chain;
  }

  X509Certificate leaf() {
    return chain.get(0);
  }

  TargetArtifact target() {
    return target;
  }

  /** Whether the signature verifies with the leaf certificate's key. */
  boolean signatureVerifies() {
    return algorithm.verifies(leaf().getPublicKey(), signed, signature);
  }

  /** The signature value (what a timestamp countersignature is over). */
  byte[] signature() {
    return signature.clone();
  }

  /** The RFC 3161 timestamp token ({@code io.cncf.notary.timestampSignature}), if any. */
  Optional<byte[]> timestamp() {
    return timestamp.map(byte[]::clone);
  }
}
