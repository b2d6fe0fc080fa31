package io.wharf.oci.policy.sign;

import io.wharf.oci.model.Descriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Object;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes what {@code notation sign} makes, for tests: ECDSA P-256 certificates (a root, CAs under
 * it, code signing leaves), each with whatever extra extensions a test wants (CRL distribution
 * points, OCSP responders), and JWS envelopes ({@code notary.x509}, ES256) over a descriptor signed
 * by a leaf with its chain in {@code x5c}. Certificates are valid from a day before to a year after
 * the instant given.
 */
final class NotationTestSigner {

  private static final AtomicLong SERIAL = new AtomicLong(1);

  private NotationTestSigner() {}

  /** A certificate and its key pair. */
  record Issued(X509Certificate certificate, KeyPair keys) {}

  /** A self-signed root CA certificate of {@code subject} (RFC 2253), valid around {@code at}. */
  static Issued root(String subject, Instant at, Extension... extra) {
    KeyPair keys = p256();
    return issue(subject, keys, name(subject), keys, at, true, extra);
  }

  /** A CA certificate that {@code issuer} issued. */
  static Issued ca(String subject, Issued issuer, Instant at, Extension... extra) {
    return issue(subject, p256(), issuerName(issuer), issuer.keys(), at, true, extra);
  }

  /**
   * A code signing certificate (digital signature key usage, code signing extended key usage, not a
   * CA) that {@code issuer} issued.
   */
  static Issued leaf(String subject, Issued issuer, Instant at, Extension... extra) {
    return issue(subject, p256(), issuerName(issuer), issuer.keys(), at, false, extra);
  }

  /** A CRL distribution points extension naming {@code url}. */
  static Extension crl(String url) {
    DistributionPoint point =
        new DistributionPoint(new DistributionPointName(new GeneralNames(uri(url))), null, null);
    return extension(
        Extension.cRLDistributionPoints, new CRLDistPoint(new DistributionPoint[] {point}));
  }

  /** An authority information access extension naming OCSP responder {@code url}. */
  static Extension ocsp(String url) {
    return extension(
        Extension.authorityInfoAccess,
        new AuthorityInformationAccess(
            new AccessDescription(AccessDescription.id_ad_ocsp, uri(url))));
  }

  /**
   * An authority information access extension naming only where the issuer's certificate is ({@code
   * caIssuers}), no OCSP responder.
   */
  static Extension caIssuers(String url) {
    return extension(
        Extension.authorityInfoAccess,
        new AuthorityInformationAccess(
            new AccessDescription(AccessDescription.id_ad_caIssuers, uri(url))));
  }

  /**
   * A JWS envelope ({@code application/jose+json}) over {@code subject}, signed at {@code
   * signingTime} with {@code signer}'s key, its x5c chain {@code signer}'s certificate then those
   * of {@code rest}.
   */
  static byte[] jws(Descriptor subject, Instant signingTime, Issued signer, Issued... rest) {
    String protectedHeader =
        "{\"alg\":\"ES256\",\"cty\":\"application/vnd.cncf.notary.payload.v1+json\","
            + "\"crit\":[\"io.cncf.notary.signingScheme\"],"
            + "\"io.cncf.notary.signingScheme\":\"notary.x509\","
            + "\"io.cncf.notary.signingTime\":\""
            + signingTime
            + "\"}";
    String payload = "{\"targetArtifact\":" + NotationFixtures.descriptorJson(subject) + "}";
    String signed = base64Url(utf8(protectedHeader)) + "." + base64Url(utf8(payload));
    byte[] signature;
    try {
      Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
      es256.initSign(signer.keys().getPrivate());
      es256.update(signed.getBytes(StandardCharsets.US_ASCII));
      signature = es256.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    List<String> x5c = new ArrayList<>();
    x5c.add(der(signer));
    for (Issued cert : rest) {
      x5c.add(der(cert));
    }
    String[] parts = signed.split("\\.");
    String json =
        "{\"payload\":\""
            + parts[1]
            + "\",\"protected\":\""
            + parts[0]
            + "\",\"header\":{\"x5c\":[\""
            + String.join("\",\"", x5c)
            + "\"]},\"signature\":\""
            + base64Url(signature)
            + "\"}";
    return utf8(json);
  }

  private static Issued issue(
      String subject,
      KeyPair keys,
      X500Name issuer,
      KeyPair issuerKeys,
      Instant at,
      boolean ca,
      Extension... extra) {
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              BigInteger.valueOf(SERIAL.getAndIncrement()),
              Date.from(at.minus(Duration.ofDays(1))),
              Date.from(at.plus(Duration.ofDays(365))),
              name(subject),
              keys.getPublic());
      if (ca) {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      }
      for (Extension e : extra) {
        builder.addExtension(e);
      }
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA")
                          .build(issuerKeys.getPrivate())));
      return new Issued(cert, keys);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X500Name issuerName(Issued issuer) {
    return X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
  }

  /** {@code rfc2253} as a name that prints back the same (BC would reverse its order). */
  private static X500Name name(String rfc2253) {
    return X500Name.getInstance(new X500Principal(rfc2253).getEncoded());
  }

  private static KeyPair p256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has ECDSA P-256", e);
    }
  }

  private static GeneralName uri(String url) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, url);
  }

  private static Extension extension(ASN1ObjectIdentifier oid, ASN1Object value) {
    try {
      return new Extension(oid, false, value.getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String der(Issued issued) {
    try {
      return Base64.getEncoder().encodeToString(issued.certificate().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
