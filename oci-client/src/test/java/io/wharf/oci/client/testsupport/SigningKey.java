package io.wharf.oci.client.testsupport;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;

/**
 * A key pair and a self-signed X.509 certificate for it, made with the JDK alone, for signing
 * registry tokens (JWS, RFC 7515) the way a Docker token server does.
 *
 * <p>The certificate is written by hand as DER (RFC 5280: v3, a random positive serial, the same
 * subject and issuer {@code CN=<commonName>}, valid from one hour before the clock's now for one
 * year, critical basicConstraints {@code CA:TRUE} and keyUsage digitalSignature + keyCertSign) and
 * signed with the key itself, so distribution can take it both as its {@code rootcertbundle} and as
 * the single element of a token's {@code x5c} chain.
 */
public final class SigningKey {

  /** The JWS algorithms distribution 2.8 (through libtrust) verifies. */
  public enum Algorithm {
    /** ECDSA P-256 with SHA-256; the JWS signature is R||S, 64 bytes (RFC 7518 section 3.4). */
    ES256("SHA256withECDSA", "1.2.840.10045.4.3.2"),
    /** RSASSA-PKCS1-v1_5 with SHA-256 and a 2048-bit key. */
    RS256("SHA256withRSA", "1.2.840.113549.1.1.11");

    private final String jdkName;
    private final String signatureOid;

    Algorithm(String jdkName, String signatureOid) {
      this.jdkName = jdkName;
      this.signatureOid = signatureOid;
    }

    /** The JDK {@link Signature} algorithm name. */
    public String jdkName() {
      return jdkName;
    }

    private byte[] algorithmIdentifier() {
      // RFC 5758 section 3.2: ecdsa-with-SHA256 has no parameters; RFC 4055: RSA has NULL.
      return this == ES256
          ? Der.sequence(Der.oid(signatureOid))
          : Der.sequence(Der.oid(signatureOid), Der.nullValue());
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Algorithm algorithm;
  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private SigningKey(Algorithm algorithm, KeyPair keyPair, X509Certificate certificate) {
    this.algorithm = algorithm;
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** A new key pair for {@code algorithm} and its self-signed certificate, valid at {@code now}. */
  public static SigningKey generate(Algorithm algorithm, String commonName, Clock clock) {
    try {
      KeyPairGenerator generator;
      if (algorithm == Algorithm.ES256) {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      } else {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
      }
      KeyPair pair = generator.generateKeyPair();
      ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
      byte[] name =
          Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8String(commonName))));
      byte[] tbs =
          Der.sequence(
              Der.explicit(0, Der.integer(BigInteger.valueOf(2))), // v3
              Der.integer(new BigInteger(63, RANDOM).add(BigInteger.ONE)),
              algorithm.algorithmIdentifier(),
              name,
              Der.sequence(
                  Der.utcTime(now.minus(Duration.ofHours(1))),
                  Der.utcTime(now.plus(Duration.ofDays(365)))),
              name,
              pair.getPublic().getEncoded(), // SubjectPublicKeyInfo, DER
              Der.explicit(
                  3,
                  Der.sequence(
                      Der.sequence(
                          Der.oid("2.5.29.19"), // basicConstraints
                          Der.bool(true),
                          Der.octetString(Der.sequence(Der.bool(true)))),
                      Der.sequence(
                          Der.oid("2.5.29.15"), // keyUsage: digitalSignature(0), keyCertSign(5)
                          Der.bool(true),
                          Der.octetString(Der.bitString(2, new byte[] {(byte) 0x84}))))));
      Signature signer = Signature.getInstance(algorithm.jdkName());
      signer.initSign(pair.getPrivate(), RANDOM);
      signer.update(tbs);
      byte[] der =
          Der.sequence(tbs, algorithm.algorithmIdentifier(), Der.bitString(0, signer.sign()));
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      cert.verify(pair.getPublic());
      return new SigningKey(algorithm, pair, cert);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a " + algorithm + " signing key", e);
    }
  }

  /** The JWS {@code alg}. */
  public Algorithm algorithm() {
    return algorithm;
  }

  /** The key pair (the private key signs tokens). */
  public KeyPair keyPair() {
    return keyPair;
  }

  /** The self-signed certificate of the public key. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * The certificate's DER, base64 (standard alphabet, padded): one element of a JWS {@code x5c}.
   */
  public String certificateBase64() {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certificate as PEM, what distribution reads from its {@code rootcertbundle}. */
  public String certificatePem() {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The libtrust key ID of the public key, which distribution 2.8 also accepts as a JWS {@code kid}
   * naming a key of its {@code rootcertbundle}: SHA-256 of the DER SubjectPublicKeyInfo, truncated
   * to 240 bits, base32 (RFC 4648), in 12 groups of 4 characters joined by {@code :}.
   */
  public String libtrustKeyId() {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(keyPair.getPublic().getEncoded());
      String b32 = base32(java.util.Arrays.copyOf(hash, 30));
      StringBuilder id = new StringBuilder();
      for (int i = 0; i < b32.length(); i += 4) {
        if (i > 0) {
          id.append(':');
        }
        id.append(b32, i, i + 4);
      }
      return id.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JWS signature of {@code signingInput} (ASCII bytes of {@code header.payload}). */
  public byte[] sign(String signingInput) {
    try {
      PrivateKey key = keyPair.getPrivate();
      Signature signer = Signature.getInstance(algorithm.jdkName());
      signer.initSign(key, RANDOM);
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      byte[] signature = signer.sign();
      return algorithm == Algorithm.ES256 ? Der.ecdsaDerToJose(signature, 32) : signature;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base32(byte[] bytes) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >>> (bits - 5)) & 0x1F));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 0x1F));
    }
    return out.toString();
  }
}
