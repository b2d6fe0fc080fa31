package io.wharf.oci.policy.sign.internal.notation;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.GenTimeAccuracy;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;
import org.bouncycastle.util.Store;
import org.jspecify.annotations.Nullable;

/**
 * Verifies an RFC 3161 timestamp countersignature ({@code io.cncf.notary.timestampSignature}) with
 * Bouncy Castle's {@link TimeStampToken}: the token is over the signature value (its message
 * imprint, SHA-256, SHA-384 or SHA-512), its signature verifies with the time-stamping authority's
 * certificate that it carries, and that certificate leads by PKIX to the {@code tsa} trust store at
 * the time stamped. The authority's revocation status is not checked (offline).
 */
final class Timestamps {

  /** The largest token read. */
  static final int MAX_BYTES = 32 * 1024;

  /** The most certificates a token may carry. */
  static final int MAX_CERTIFICATES = 16;

  /** Bouncy Castle as an instance, never registered as a process-wide provider. */
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private static final Map<String, String> IMPRINT_DIGESTS =
      Map.of(
          "2.16.840.1.101.3.4.2.1", "SHA-256",
          "2.16.840.1.101.3.4.2.2", "SHA-384",
          "2.16.840.1.101.3.4.2.3", "SHA-512");

  private Timestamps() {}

  /**
   * The time a token stamped, as an interval: the generation time less and plus its accuracy.
   *
   * @param from the earliest time it may mean
   * @param to the latest time it may mean
   */
  record Stamp(Instant from, Instant to) {
    @Override
    public String toString() {
      return from.equals(to) ? from.toString() : from + " to " + to;
    }
  }

  /**
   * Verifies {@code token} as a timestamp of {@code signature} by an authority of {@code trusted}.
   *
   * @param stores how messages name the trust stores ({@code tsa:globalsign})
   * @throws BadSignatureException when it is not, saying why
   */
  static Stamp verify(byte[] token, byte[] signature, List<X509Certificate> trusted, String stores)
      throws BadSignatureException {
    if (token.length > MAX_BYTES) {
      throw new BadSignatureException("the timestamp is larger than " + MAX_BYTES + " bytes");
    }
    Der.checkShape("the timestamp", token);
    TimeStampToken tst;
    try {
      tst = new TimeStampToken(new CMSSignedData(token));
    } catch (CMSException | TSPException | IOException | RuntimeException e) {
      throw new BadSignatureException("the timestamp is not an RFC 3161 timestamp token");
    }
    TimeStampTokenInfo info = tst.getTimeStampInfo();
    String digest = IMPRINT_DIGESTS.get(info.getMessageImprintAlgOID().getId());
    if (digest == null) {
      throw new BadSignatureException(
          "the timestamp's message imprint uses an unsupported hash "
              + info.getMessageImprintAlgOID().getId());
    }
    try {
      byte[] expected = MessageDigest.getInstance(digest).digest(signature);
      if (!MessageDigest.isEqual(expected, info.getMessageImprintDigest())) {
        throw new BadSignatureException("the timestamp is not over this signature");
      }
    } catch (GeneralSecurityException e) {
      throw new BadSignatureException("the timestamp's hash " + digest + " is not available");
    }
    X509Certificate authority = authority(tst);
    try {
      tst.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(authority));
    } catch (TSPException | OperatorCreationException | RuntimeException e) {
      throw new BadSignatureException(
          "the timestamp does not verify: " + Envelopes.clip(String.valueOf(e.getMessage())));
    }
    Instant at = info.getGenTime().toInstant();
    chain(tst, authority, trusted, stores, at);
    Duration accuracy = accuracy(info.getGenTimeAccuracy());
    return new Stamp(at.minus(accuracy), at.plus(accuracy));
  }

  private static X509Certificate authority(TimeStampToken tst) throws BadSignatureException {
    @SuppressWarnings("unchecked")
    Store<X509CertificateHolder> store = tst.getCertificates();
    Collection<X509CertificateHolder> matches = store.getMatches(tst.getSID());
    if (matches.isEmpty()) {
      throw new BadSignatureException("the timestamp does not carry its authority's certificate");
    }
    return convert(matches.iterator().next());
  }

  private static void chain(
      TimeStampToken tst,
      X509Certificate authority,
      List<X509Certificate> trusted,
      String stores,
      Instant at)
      throws BadSignatureException {
    if (trusted.contains(authority)) {
      return;
    }
    @SuppressWarnings("unchecked")
    Collection<X509CertificateHolder> carried = tst.getCertificates().getMatches(null);
    if (carried.size() > MAX_CERTIFICATES) {
      throw new BadSignatureException(
          "the timestamp carries more than " + MAX_CERTIFICATES + " certificates");
    }
    List<X509Certificate> intermediates = new ArrayList<>();
    for (X509CertificateHolder holder : carried) {
      intermediates.add(convert(holder));
    }
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate cert : trusted) {
      anchors.add(new TrustAnchor(cert, null));
    }
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(authority);
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(at));
      parameters.setMaxPathLength(Envelopes.MAX_CHAIN);
      parameters.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(intermediates)));
      CertPathBuilder.getInstance("PKIX").build(parameters);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new BadSignatureException(
          "the timestamp's authority "
              + CertificateChains.name(authority)
              + " does not lead to trust store "
              + stores);
    }
  }

  private static X509Certificate convert(X509CertificateHolder holder)
      throws BadSignatureException {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new BadSignatureException("the timestamp carries a certificate that does not parse");
    }
  }

  private static Duration accuracy(@Nullable GenTimeAccuracy accuracy) {
    if (accuracy == null) {
      return Duration.ZERO;
    }
    // each part is an ASN.1 INTEGER of any size: negative ones count as none, huge ones widen
    // the interval (which only makes the check stricter), to at most a century
    long seconds = Math.min(Math.max(accuracy.getSeconds(), 0), 100L * 366 * 24 * 3600);
    return Duration.ofSeconds(seconds)
        .plusMillis(Math.min(Math.max(accuracy.getMillis(), 0), 999))
        .plusNanos(Math.min(Math.max(accuracy.getMicros(), 0), 999) * 1000L);
  }
}
