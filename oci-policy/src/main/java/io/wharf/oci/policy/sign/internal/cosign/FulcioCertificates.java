package io.wharf.oci.policy.sign.internal.cosign;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a Fulcio (keyless) certificate with the JCA's PKIX: it chains to one of the trust's Fulcio
 * authorities at the time the transparency log integrated the signature (the leaf lives ten
 * minutes; revocation is not checked: offline), it is for code signing, and it names an OIDC issuer
 * (Fulcio's extension 1.3.6.1.4.1.57264.1.8, else the older 1.3.6.1.4.1.57264.1.1) and an identity
 * (its e-mail or URI subject alternative name).
 */
final class FulcioCertificates {

  /** Code signing, the extended key usage Fulcio gives. */
  static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

  /** Fulcio's OIDC issuer extension (DER UTF8String). */
  static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";

  /** Fulcio's older OIDC issuer extension (raw bytes). */
  static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";

  /**
   * Who a Fulcio certificate was issued to.
   *
   * @param issuer the OIDC issuer
   * @param subject the e-mail address or URI
   */
  record Identity(String issuer, String subject) {
    @Override
    public String toString() {
      return subject + " (" + issuer + ")";
    }
  }

  private FulcioCertificates() {}

  /**
   * Verifies {@code leaf} (with the {@code chain} its signature carried, which may help build the
   * path but is not trusted by itself) against {@code trust} at {@code at}.
   */
  static Identity verify(
      X509Certificate leaf, List<X509Certificate> chain, TrustRoot trust, Instant at)
      throws Failure {
    if (chain.size() >= CosignLimits.MAX_CHAIN) {
      throw new Failure("the certificate chain is longer than " + CosignLimits.MAX_CHAIN);
    }
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new Failure("the certificate's extended key usage does not parse");
    }
    if (usages == null || !usages.contains(CODE_SIGNING)) {
      throw new Failure("the certificate is not for code signing");
    }
    String problem = "the trusted root has no Fulcio authority valid at " + at;
    for (TrustRoot.Authority authority : trust.fulcio()) {
      if (!authority.validAt(at)) {
        continue;
      }
      Optional<String> failed = buildPath(leaf, chain, authority, at);
      if (failed.isEmpty()) {
        return identity(leaf);
      }
      problem = failed.get();
    }
    throw new Failure(problem);
  }

  private static Optional<String> buildPath(
      X509Certificate leaf,
      List<X509Certificate> chain,
      TrustRoot.Authority authority,
      Instant at) {
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters params =
          new PKIXBuilderParameters(Set.of(new TrustAnchor(authority.anchor(), null)), target);
      Collection<X509Certificate> store = new ArrayList<>();
      store.add(leaf);
      store.addAll(authority.intermediates());
      store.addAll(chain);
      params.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(at));
      params.setMaxPathLength(CosignLimits.MAX_CHAIN);
      CertPathBuilder.getInstance("PKIX").build(params);
      return Optional.empty();
    } catch (CertPathBuilderException e) {
      return Optional.of(
          "the certificate does not chain to a trusted Fulcio authority at "
              + at
              + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InvalidAlgorithmParameterException e) {
      return Optional.of("the Fulcio authority cannot anchor a path: " + e.getMessage());
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.of("the certificate path cannot be built: " + e.getClass().getSimpleName());
    }
  }

  /** The issuer and subject {@code certificate} names. */
  static Identity identity(X509Certificate certificate) throws Failure {
    String issuer = issuer(certificate);
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new Failure("the certificate's subject alternative names do not parse");
    }
    if (names != null) {
      for (List<?> name : names) {
        if (name.size() >= 2
            && (Integer.valueOf(1).equals(name.get(0)) || Integer.valueOf(6).equals(name.get(0)))
            && name.get(1) instanceof String value) {
          return new Identity(issuer, value);
        }
      }
    }
    throw new Failure("the certificate names no e-mail or URI identity");
  }

  private static String issuer(X509Certificate certificate) throws Failure {
    byte[] v2 = certificate.getExtensionValue(ISSUER_V2);
    if (v2 != null) {
      byte[] utf8 = Der.contents(Der.contents(v2, 0x04), 0x0C);
      return new String(utf8, StandardCharsets.UTF_8);
    }
    byte[] v1 = certificate.getExtensionValue(ISSUER_V1);
    if (v1 != null) {
      return new String(Der.contents(v1, 0x04), StandardCharsets.UTF_8);
    }
    throw new Failure("the certificate names no OIDC issuer (not a Fulcio certificate)");
  }

  /** Reads one DER value: the few bytes of an extension, bounded by the array. */
  static final class Der {
    private Der() {}

    /** The contents of the single DER value in {@code der}, which must have tag {@code tag}. */
    static byte[] contents(byte[] der, int tag) throws Failure {
      if (der.length < 2 || (der[0] & 0xFF) != tag) {
        throw new Failure("a certificate extension is not the DER value expected");
      }
      int length = der[1] & 0xFF;
      int offset = 2;
      if (length > 0x7F) {
        int count = length & 0x7F;
        if (count == 0 || count > 3 || der.length < 2 + count) {
          throw new Failure("a certificate extension has a bad DER length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (der[2 + i] & 0xFF);
        }
        offset += count;
      }
      if (offset + length != der.length) {
        throw new Failure("a certificate extension has a bad DER length");
      }
      return java.util.Arrays.copyOfRange(der, offset, der.length);
    }
  }
}
