package io.wharf.oci.policy.sign.internal.notation;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Checks a signing certificate chain (leaf first) with JCA: the leaf may sign code (digital
 * signature key usage, code signing when it lists extended key usages, not a CA), and the chain
 * leads, by PKIX validation without revocation, to a certificate of the trust store. Revocation is
 * not checked here: {@link #revocable} says which certificates name CRL or OCSP endpoints.
 */
final class CertificateChains {

  private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
  private static final String OCSP = "1.3.6.1.5.5.7.48.1";
  private static final int DIGITAL_SIGNATURE = 0;

  private CertificateChains() {}

  /** How messages name a certificate: its subject, RFC 2253 ({@code CN=e2e,O=Notary,C=US}). */
  static String name(X509Certificate cert) {
    return Envelopes.clip(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
  }

  /** Why {@code leaf} may not sign code, if it may not. */
  static Optional<String> leafProblem(X509Certificate leaf) {
    boolean[] usage = leaf.getKeyUsage();
    if (usage == null || usage.length <= DIGITAL_SIGNATURE || !usage[DIGITAL_SIGNATURE]) {
      return Optional.of(
          "the signing certificate " + name(leaf) + " lacks the digitalSignature key usage");
    }
    if (leaf.getBasicConstraints() >= 0) {
      return Optional.of("the signing certificate " + name(leaf) + " is a CA certificate");
    }
    try {
      List<String> extended = leaf.getExtendedKeyUsage();
      if (extended != null && !extended.contains(CODE_SIGNING)) {
        return Optional.of(
            "the signing certificate "
                + name(leaf)
                + " is not for code signing (extended key usage)");
      }
    } catch (CertificateParsingException e) {
      return Optional.of(
          "the signing certificate " + name(leaf) + " has an unreadable extended key usage");
    }
    return Optional.empty();
  }

  /**
   * Why {@code chain} does not lead to {@code trusted} at time {@code at}, if it does not. The
   * chain is validated up to its first certificate that the store holds; a chain that holds none
   * must end in a certificate a trusted one issued.
   *
   * @param stores how the message names the trust stores ({@code ca:e2e})
   */
  static Optional<String> trustProblem(
      List<X509Certificate> chain, List<X509Certificate> trusted, String stores, Instant at) {
    int anchored = -1;
    for (int i = 0; i < chain.size() && anchored < 0; i++) {
      if (trusted.contains(chain.get(i))) {
        anchored = i;
      }
    }
    if (anchored == 0) {
      return Optional.empty(); // the signing certificate itself is trusted
    }
    List<X509Certificate> path = anchored > 0 ? chain.subList(0, anchored) : chain;
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate cert : trusted) {
      anchors.add(new TrustAnchor(cert, null));
    }
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(at));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
      return Optional.empty();
    } catch (CertPathValidatorException e) {
      String why =
          e.getReason() == CertPathValidatorException.BasicReason.UNSPECIFIED
                  || e.getMessage() == null
              ? ""
              : " (" + Envelopes.clip(e.getMessage()) + ")";
      return Optional.of("the certificate chain does not lead to trust store " + stores + why);
    } catch (InvalidAlgorithmParameterException e) {
      return Optional.of("trust store " + stores + " holds no usable certificate");
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.of("the certificate chain does not lead to trust store " + stores);
    }
  }

  /**
   * Why a certificate of {@code chain} was not valid from {@code from} to {@code to}, if one was
   * not.
   */
  static Optional<String> validityProblem(List<X509Certificate> chain, Instant from, Instant to) {
    for (X509Certificate cert : chain) {
      Instant notBefore = cert.getNotBefore().toInstant();
      Instant notAfter = cert.getNotAfter().toInstant();
      if (from.isBefore(notBefore)) {
        return Optional.of("the certificate " + name(cert) + " is not valid before " + notBefore);
      }
      if (to.isAfter(notAfter)) {
        return Optional.of("the certificate " + name(cert) + " expired at " + notAfter);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code cert} names a CRL distribution point or an OCSP responder and is not a
   * self-signed root: Notation treats a certificate that names neither as not revocable, and never
   * checks the root that ends a chain (no issuer could revoke it), whatever it names.
   */
  static boolean revocable(X509Certificate cert) {
    if (selfSigned(cert)) {
      return false;
    }
    if (cert.getExtensionValue(Extension.cRLDistributionPoints.getId()) != null) {
      return true;
    }
    byte[] aia = cert.getExtensionValue(Extension.authorityInfoAccess.getId());
    if (aia == null) {
      return false;
    }
    try {
      AuthorityInformationAccess access =
          AuthorityInformationAccess.getInstance(ASN1OctetString.getInstance(aia).getOctets());
      for (AccessDescription d : access.getAccessDescriptions()) {
        if (d.getAccessMethod().getId().equals(OCSP)) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      return true; // unreadable: it may name one, so its status is unknown
    }
  }

  /** Whether {@code cert} is self-issued and its signature verifies with its own key. */
  private static boolean selfSigned(X509Certificate cert) {
    if (!cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
      return false;
    }
    try {
      cert.verify(cert.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
