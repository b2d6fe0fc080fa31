package io.wharf.oci.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM (RFC 7468) blocks of keys and certificates, read and written with the JDK: {@code PRIVATE
 * KEY} (PKCS#8), {@code PUBLIC KEY} (SubjectPublicKeyInfo) and {@code CERTIFICATE}. The traditional
 * {@code EC PRIVATE KEY} and {@code RSA PRIVATE KEY} encodings, which {@code openssl} writes by
 * default, are read through Nimbus. Messages never quote the key material.
 */
final class TokenPem {

  /** The longest PEM text read: a few certificates or keys. */
  static final int MAX_PEM_CHARS = 256 * 1024;

  private static final int MAX_BLOCKS = 64;

  private TokenPem() {}

  /** One block: its label and its DER bytes. */
  record Block(String label, byte[] der) {}

  /** The blocks of {@code pem}, in order; text between blocks is ignored. */
  static List<Block> blocks(String pem) {
    if (pem.length() > MAX_PEM_CHARS) {
      throw new IllegalArgumentException("PEM text longer than " + MAX_PEM_CHARS + " characters");
    }
    List<Block> blocks = new ArrayList<>();
    int at = 0;
    while (true) {
      int begin = pem.indexOf("-----BEGIN ", at);
      if (begin < 0) {
        return blocks;
      }
      int labelEnd = pem.indexOf("-----", begin + 11);
      if (labelEnd < 0) {
        throw new IllegalArgumentException("malformed PEM: a BEGIN line without its dashes");
      }
      String label = pem.substring(begin + 11, labelEnd);
      String endLine = "-----END " + label + "-----";
      int end = pem.indexOf(endLine, labelEnd + 5);
      if (end < 0) {
        throw new IllegalArgumentException("malformed PEM: no END line for " + label);
      }
      if (blocks.size() == MAX_BLOCKS) {
        throw new IllegalArgumentException("more than " + MAX_BLOCKS + " PEM blocks");
      }
      try {
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(labelEnd + 5, end));
        blocks.add(new Block(label, der));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("malformed PEM: the " + label + " is not base64");
      }
      at = end + endLine.length();
    }
  }

  /** One PEM block. */
  static String encode(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /** The private key of {@code pem}: PKCS#8, or the traditional EC and RSA encodings. */
  static PrivateKey privateKey(String pem) {
    List<Block> blocks = blocks(pem);
    for (Block block : blocks) {
      switch (block.label()) {
        case "PRIVATE KEY":
          return pkcs8(block.der());
        case "EC PRIVATE KEY":
        case "RSA PRIVATE KEY":
          return traditional(pem);
        default:
          break;
      }
    }
    throw new IllegalArgumentException("no PRIVATE KEY block in the PEM text");
  }

  private static PrivateKey pkcs8(byte[] der) {
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("the PRIVATE KEY is neither an EC nor an RSA key");
  }

  private static PrivateKey traditional(String pem) {
    try {
      JWK jwk = JWK.parseFromPEMEncodedObjects(pem);
      if (jwk instanceof ECKey ec && ec.isPrivate()) {
        return ec.toECPrivateKey();
      }
      if (jwk instanceof RSAKey rsa && rsa.isPrivate()) {
        return rsa.toRSAPrivateKey();
      }
    } catch (JOSEException | RuntimeException e) {
      // reported below, without the key
    }
    throw new IllegalArgumentException("cannot read the EC or RSA PRIVATE KEY block");
  }

  /** Every certificate of {@code pem}. */
  static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Block block : blocks(pem)) {
      if (block.label().equals("CERTIFICATE")) {
        certificates.add(certificate(block.der()));
      }
    }
    return certificates;
  }

  static X509Certificate certificate(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("malformed CERTIFICATE: " + e.getMessage());
    }
  }

  /**
   * Every public key of {@code pem}: those of its {@code PUBLIC KEY} blocks and of its {@code
   * CERTIFICATE}s.
   */
  static List<PublicKey> publicKeys(String pem) {
    List<PublicKey> keys = new ArrayList<>();
    for (Block block : blocks(pem)) {
      switch (block.label()) {
        case "PUBLIC KEY" -> keys.add(publicKey(block.der()));
        case "CERTIFICATE" -> keys.add(certificate(block.der()).getPublicKey());
        default -> {}
      }
    }
    return keys;
  }

  /** A DER SubjectPublicKeyInfo (EC or RSA). */
  static PublicKey publicKey(byte[] der) {
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("the PUBLIC KEY is neither an EC nor an RSA key");
  }
}
