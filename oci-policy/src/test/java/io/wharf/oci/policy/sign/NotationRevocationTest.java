package io.wharf.oci.policy.sign;

import static io.wharf.oci.policy.sign.NotationFixtures.docker528;
import static io.wharf.oci.policy.sign.NotationFixtures.envelope;
import static io.wharf.oci.policy.sign.NotationFixtures.policy;
import static io.wharf.oci.policy.sign.NotationTestSigner.caIssuers;
import static io.wharf.oci.policy.sign.NotationTestSigner.crl;
import static io.wharf.oci.policy.sign.NotationTestSigner.ocsp;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.policy.sign.NotationFixtures.Signed;
import io.wharf.oci.policy.sign.NotationTestSigner.Issued;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Revocation, checked offline: a certificate of the chain that names a CRL distribution point or an
 * OCSP responder has an unknown status, which fails the signature where the trust policy enforces
 * revocation (strict, or {@code "revocation": "enforce"}), is a warning where it logs it
 * (permissive, audit, or {@code "log"}) and is not looked at where it skips it; a certificate that
 * names neither is not revocable and passes. Chains made by {@link NotationTestSigner}: leaf,
 * intermediate CA, root, the root in trust store {@code ca:wharf}.
 */
class NotationRevocationTest {

  private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
  private static final Instant SIGNED_AT = NOW.minus(Duration.ofHours(1));
  private static final Descriptor SUBJECT =
      docker528("sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e");

  private static final Issued ROOT = NotationTestSigner.root("CN=root,O=Wharf,C=US", NOW);
  private static final Issued CA = NotationTestSigner.ca("CN=ca,O=Wharf,C=US", ROOT, NOW);

  private static final String CRL_LEAF = "CN=crl leaf,O=Wharf,C=US";
  private static final String OCSP_LEAF = "CN=ocsp leaf,O=Wharf,C=US";
  private static final String PLAIN_LEAF = "CN=plain leaf,O=Wharf,C=US";

  /** A leaf that names a CRL distribution point, signed under the plain intermediate. */
  private static final byte[] CRL_SIGNED =
      underCa(CRL_LEAF, crl("http://crl.wharf.example/ca.crl"));

  /**
   * A signature by a new leaf {@code subject} with {@code extra}, under {@code CA} and {@code
   * ROOT}.
   */
  private static byte[] underCa(String subject, Extension... extra) {
    return NotationTestSigner.jws(
        SUBJECT, SIGNED_AT, NotationTestSigner.leaf(subject, CA, NOW, extra), CA, ROOT);
  }

  /** What a failed or logged revocation check of {@code certificate} says. */
  private static String unknown(String certificate) {
    return "revocation: the revocation status of certificate "
        + certificate
        + " is unknown: it names CRL or OCSP endpoints, which Wharf does not query";
  }

  private static SignatureCheck check(byte[] jws, String level, String extra) throws Exception {
    Signed signed = envelope(jws, "application/jose+json", SUBJECT);
    List<SignatureCheck> checks =
        NotationVerifiers.trustPolicy(
                "wharf",
                policy(level, extra, List.of("ca:wharf"), List.of("*")),
                Map.<String, List<X509Certificate>>of("ca:wharf", List.of(ROOT.certificate())))
            .verify(signed.subject(), signed.signature(), signed.facts(), NOW);
    assertThat(checks).hasSize(1);
    return checks.get(0);
  }

  private static String override(String action) {
    return action.isEmpty() ? "" : "\"override\":{\"revocation\":\"" + action + "\"}";
  }

  @ParameterizedTest
  @CsvSource({"strict,''", "strict,enforce", "permissive,enforce", "audit,enforce"})
  void aLeafNamingACrlFailsWhereRevocationIsEnforced(String level, String action) throws Exception {
    assertThat(check(CRL_SIGNED, level, override(action)))
        .isEqualTo(SignatureCheck.failed(CRL_LEAF, unknown(CRL_LEAF)));
  }

  @ParameterizedTest
  @CsvSource({"permissive,''", "audit,''", "strict,log", "permissive,log"})
  void aLeafNamingACrlVerifiesWithAWarningWhereRevocationIsLogged(String level, String action)
      throws Exception {
    assertThat(check(CRL_SIGNED, level, override(action)))
        .isEqualTo(SignatureCheck.verified(CRL_LEAF, List.of(unknown(CRL_LEAF))));
  }

  @ParameterizedTest
  @CsvSource({"strict,skip", "permissive,skip", "audit,skip"})
  void aLeafNamingACrlVerifiesWithoutAWarningWhereRevocationIsSkipped(String level, String action)
      throws Exception {
    SignatureCheck check = check(CRL_SIGNED, level, override(action));
    assertThat(check).isEqualTo(SignatureCheck.verified(CRL_LEAF));
    assertThat(check.warnings()).isEmpty();
  }

  @Test
  void aLeafNamingAnOcspResponderFailsWhereRevocationIsEnforced() throws Exception {
    byte[] jws = underCa(OCSP_LEAF, ocsp("http://ocsp.wharf.example"));
    assertThat(check(jws, "strict", ""))
        .isEqualTo(SignatureCheck.failed(OCSP_LEAF, unknown(OCSP_LEAF)));
    assertThat(check(jws, "permissive", ""))
        .isEqualTo(SignatureCheck.verified(OCSP_LEAF, List.of(unknown(OCSP_LEAF))));
  }

  @Test
  void aChainThatNamesNoEndpointIsNotRevocableAndVerifiesUnderStrict() throws Exception {
    byte[] jws = underCa(PLAIN_LEAF);
    SignatureCheck check = check(jws, "strict", "");
    assertThat(check).isEqualTo(SignatureCheck.verified(PLAIN_LEAF));
    assertThat(check.warnings()).isEmpty();
  }

  @Test
  void anAuthorityInformationAccessWithoutOcspIsNotAnEndpoint() throws Exception {
    String leaf = "CN=ca issuers leaf,O=Wharf,C=US";
    byte[] jws = underCa(leaf, caIssuers("http://wharf.example/ca.crt"));
    assertThat(check(jws, "strict", "")).isEqualTo(SignatureCheck.verified(leaf));
  }

  @Test
  void anIntermediateNamingACrlFailsWhereRevocationIsEnforced() throws Exception {
    String intermediate = "CN=crl ca,O=Wharf,C=US";
    Issued ca =
        NotationTestSigner.ca(intermediate, ROOT, NOW, crl("http://crl.wharf.example/root.crl"));
    byte[] jws =
        NotationTestSigner.jws(
            SUBJECT, SIGNED_AT, NotationTestSigner.leaf(PLAIN_LEAF, ca, NOW), ca, ROOT);
    // the signer is the leaf; the reason names the certificate whose status is unknown
    assertThat(check(jws, "strict", ""))
        .isEqualTo(SignatureCheck.failed(PLAIN_LEAF, unknown(intermediate)));
    assertThat(check(jws, "permissive", ""))
        .isEqualTo(SignatureCheck.verified(PLAIN_LEAF, List.of(unknown(intermediate))));
    assertThat(check(jws, "strict", override("skip")))
        .isEqualTo(SignatureCheck.verified(PLAIN_LEAF));
  }

  @Test
  void aRootNamingACrlIsNotCheckedAsNotationDoesNot() throws Exception {
    // notation-core-go's revocation check marks the chain's last certificate, the self-signed
    // root, non-revokable without looking at it: nothing above it could revoke it
    Issued root =
        NotationTestSigner.root("CN=crl root,O=Wharf,C=US", NOW, crl("http://crl.wharf.example/x"));
    Issued ca = NotationTestSigner.ca("CN=ca,O=Wharf,C=US", root, NOW);
    byte[] jws =
        NotationTestSigner.jws(
            SUBJECT, SIGNED_AT, NotationTestSigner.leaf(PLAIN_LEAF, ca, NOW), ca, root);
    Signed signed = envelope(jws, "application/jose+json", SUBJECT);
    List<SignatureCheck> checks =
        NotationVerifiers.trustPolicy(
                "wharf",
                policy("strict", "", List.of("ca:wharf"), List.of("*")),
                Map.<String, List<X509Certificate>>of("ca:wharf", List.of(root.certificate())))
            .verify(signed.subject(), signed.signature(), signed.facts(), NOW);
    assertThat(checks).containsExactly(SignatureCheck.verified(PLAIN_LEAF));
  }
}
