package io.wharf.oci.policy.sign.internal;

import io.wharf.oci.policy.sign.SignatureTrustException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads trust material: PEM public keys (SubjectPublicKeyInfo: ECDSA, RSA, Ed25519) and X.509
 * certificates (PEM or DER, one or several). Errors name {@code source}, never the bytes.
 */
public final class Pem {

  /** The largest PEM or DER input read: a chain of a few certificates is a few KiB. */
  public static final int MAX_BYTES = 256 * 1024;

  /** The most certificates one input may hold. */
  public static final int MAX_CERTIFICATES = 32;

  private static final Pattern PUBLIC_KEY =
      Pattern.compile(
          "-----BEGIN PUBLIC KEY-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END PUBLIC KEY-----");

  private static final String[] KEY_ALGORITHMS = {"EC", "RSA", "Ed25519"};

  private Pem() {}

  /**
   * The public key in {@code pem} (the first {@code PUBLIC KEY} block).
   *
   * @throws SignatureTrustException when there is none or it is not an ECDSA, RSA or Ed25519 key
   */
  public static PublicKey publicKey(String source, String pem) throws SignatureTrustException {
    if (pem.length() > MAX_BYTES) {
      throw new SignatureTrustException(source + ": larger than " + MAX_BYTES + " bytes");
    }
    Matcher m = PUBLIC_KEY.matcher(pem);
    if (!m.find()) {
      throw new SignatureTrustException(source + ": no PEM 'PUBLIC KEY' block");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new SignatureTrustException(source + ": the PEM block is not base64");
    }
    return publicKey(source, der);
  }

  /**
   * The public key whose DER SubjectPublicKeyInfo is {@code der}.
   *
   * @throws SignatureTrustException when it is not an ECDSA, RSA or Ed25519 key
   */
  public static PublicKey publicKey(String source, byte[] der) throws SignatureTrustException {
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(spec);
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next
      }
    }
    throw new SignatureTrustException(
        source + ": not an ECDSA, RSA or Ed25519 public key (SubjectPublicKeyInfo)");
  }

  /**
   * The certificates in {@code bytes}: PEM (one or more {@code CERTIFICATE} blocks) or DER.
   *
   * @throws SignatureTrustException when there is none, one does not parse, or there are more than
   *     {@value #MAX_CERTIFICATES}
   */
  public static List<X509Certificate> certificates(String source, byte[] bytes)
      throws SignatureTrustException {
    if (bytes.length > MAX_BYTES) {
      throw new SignatureTrustException(source + ": larger than " + MAX_BYTES + " bytes");
    }
    List<X509Certificate> all = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (java.security.cert.Certificate c :
          factory.generateCertificates(new ByteArrayInputStream(bytes))) {
        if (!(c instanceof X509Certificate x509)) {
          throw new SignatureTrustException(source + ": not an X.509 certificate");
        }
        if (all.size() == MAX_CERTIFICATES) {
          throw new SignatureTrustException(
              source + ": more than " + MAX_CERTIFICATES + " certificates");
        }
        all.add(x509);
      }
    } catch (CertificateException | RuntimeException e) {
      throw new SignatureTrustException(source + ": not a PEM or DER X.509 certificate", e);
    }
    if (all.isEmpty()) {
      throw new SignatureTrustException(source + ": no certificate");
    }
    return List.copyOf(all);
  }

  /** {@link #certificates(String, byte[])} of PEM text. */
  public static List<X509Certificate> certificates(String source, String pem)
      throws SignatureTrustException {
    return certificates(source, pem.getBytes(StandardCharsets.US_ASCII));
  }
}
