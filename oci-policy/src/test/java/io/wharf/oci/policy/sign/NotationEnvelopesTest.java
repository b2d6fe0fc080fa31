package io.wharf.oci.policy.sign;

import static io.wharf.oci.policy.sign.NotationFixtures.bytes;
import static io.wharf.oci.policy.sign.NotationFixtures.certificates;
import static io.wharf.oci.policy.sign.NotationFixtures.docker528;
import static io.wharf.oci.policy.sign.NotationFixtures.envelope;
import static io.wharf.oci.policy.sign.NotationFixtures.policy;
import static io.wharf.oci.policy.sign.NotationFixtures.signedManifest19dbd2e4;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.policy.sign.NotationFixtures.Signed;
import io.wharf.oci.policy.sign.internal.Pem;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * notation-go's own envelopes, JWS and COSE, with and without RFC 3161 timestamps, behave as its
 * tests say (fixtures README, section 3).
 */
class NotationEnvelopesTest {

  private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

  /** After the signing certificate of the timestamp fixtures (TestTimestamp.crt) expired. */
  private static final Instant AFTER_EXPIRY = Instant.parse("2034-01-01T00:00:00Z");

  private static final String ALPINE = "CN=alpine,O=Notary,L=Seattle,ST=WA,C=US";
  private static final String TIMESTAMPED =
      "sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda";
  private static final String MOCK =
      "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e";
  private static final String TEST_TIMESTAMP =
      "notation-go/truststore/x509/ca/valid-trust-store/TestTimestamp.crt";
  private static final String GLOBALSIGN =
      "notation-go/truststore/x509/tsa/test-timestamp/globalsignRoot.cer";
  private static final String TEST_ROOT =
      "notation-go/truststore/x509/ca/valid-trust-store/NotationTestRoot.pem";

  private static SignatureCheck check(
      String file,
      String mediaType,
      Descriptor subject,
      byte[] policy,
      Map<String, List<X509Certificate>> stores,
      Instant now)
      throws Exception {
    Signed signed = envelope(bytes(file), mediaType, subject);
    List<SignatureCheck> checks =
        NotationVerifiers.trustPolicy("notation-go", policy, stores)
            .verify(signed.subject(), signed.signature(), signed.facts(), now);
    assertThat(checks).hasSize(1);
    return checks.get(0);
  }

  /** The leaf of the x5c chain of notation-go's {@code jws_signature.sig}, trusted by itself. */
  private static List<X509Certificate> jwsLeaf() throws Exception {
    String json = new String(bytes("notation-go/jws_signature.sig"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\"x5c\":\\[\"([A-Za-z0-9+/=]+)\"").matcher(json);
    assertThat(m.find()).isTrue();
    return Pem.certificates("x5c", Base64.getDecoder().decode(m.group(1)));
  }

  private static byte[] strict(String store) {
    return policy("strict", "", List.of(store), List.of("*"));
  }

  @Test
  void jwsAndCoseSignaturesOfTheSameManifestVerify() throws Exception {
    Map<String, List<X509Certificate>> stores = Map.of("ca:alpine", jwsLeaf());
    assertThat(
            check(
                "notation-go/jws_signature.sig",
                "application/jose+json",
                signedManifest19dbd2e4(),
                strict("ca:alpine"),
                stores,
                NOW))
        .isEqualTo(SignatureCheck.verified(ALPINE));
    assertThat(
            check(
                "notation-go/cose_signature.sig",
                "application/cose",
                signedManifest19dbd2e4(),
                strict("ca:alpine"),
                stores,
                NOW))
        .isEqualTo(SignatureCheck.verified(ALPINE));
  }

  @Test
  void aCoseEnvelopeServedAsJwsFailsIntegrity() throws Exception {
    SignatureCheck check =
        check(
            "notation-go/cose_signature.sig",
            "application/jose+json",
            signedManifest19dbd2e4(),
            strict("ca:alpine"),
            Map.of("ca:alpine", jwsLeaf()),
            NOW);
    assertThat(check.verified()).isFalse();
    assertThat(check.message()).startsWith("integrity: the JWS envelope is not valid JSON");
  }

  @Test
  void theMockEnvelopesChainToTheNotationTestRoot() throws Exception {
    SignatureCheck valid = mock("notation-go/mock/ca_valid_sig_env.json", MOCK);
    assertThat(valid.verified()).as(valid.message()).isTrue();
    assertThat(valid.warnings()).isEmpty();
    SignatureCheck invalid = mock("notation-go/mock/ca_invalid_sig_env.json", MOCK);
    // its payload was cut wrong: the signature cannot be over it
    assertThat(invalid.verified()).isFalse();
    assertThat(invalid.message()).isEqualTo("integrity: payload is not base64url");
    SignatureCheck expired = mock("notation-go/mock/ca_expired_sig_env.json", MOCK);
    assertThat(expired.message())
        .isEqualTo("expiry: the signature expired at 2022-07-29T23:59:00Z");
  }

  @Test
  void theMockSignatureIsOnlyForItsOwnTarget() throws Exception {
    SignatureCheck check = mock("notation-go/mock/ca_valid_sig_env.json", TIMESTAMPED);
    assertThat(check.message())
        .isEqualTo(
            "integrity: the signature is over "
                + MOCK
                + " (application/vnd.docker.distribution.manifest.v2+json, 528 bytes), not "
                + TIMESTAMPED);
  }

  private static Map<String, List<X509Certificate>> timestampStores(String tsa) {
    return Map.of(
        "ca:valid-trust-store",
        certificates(TEST_TIMESTAMP),
        "tsa:test-timestamp",
        certificates(tsa));
  }

  private static byte[] timestampPolicy(String verifyTimestamp) {
    return policy(
        "strict",
        "\"verifyTimestamp\":\"" + verifyTimestamp + "\"",
        List.of("ca:valid-trust-store", "tsa:test-timestamp"),
        List.of("*"));
  }

  private static SignatureCheck timestamped(
      String file, String verifyTimestamp, String tsa, Instant now) throws Exception {
    String mediaType =
        file.startsWith("notation-go/cose") ? "application/cose" : "application/jose+json";
    return check(
        file,
        mediaType,
        docker528(TIMESTAMPED),
        timestampPolicy(verifyTimestamp),
        timestampStores(tsa),
        now);
  }

  private static SignatureCheck mock(String file, String target) throws Exception {
    return check(
        file,
        "application/jose+json",
        docker528(target),
        strict("ca:valid"),
        Map.of("ca:valid", certificates(TEST_ROOT)),
        NOW);
  }

  @Test
  void timestampedSignaturesVerifyEvenAfterTheCertificateExpired() throws Exception {
    for (String file :
        List.of("notation-go/jwsWithTimestamp.sig", "notation-go/coseWithTimestamp.sig")) {
      for (Instant now : List.of(NOW, AFTER_EXPIRY)) {
        SignatureCheck check = timestamped(file, "always", GLOBALSIGN, now);
        assertThat(check).as(file + " at " + now).isEqualTo(SignatureCheck.verified(ALPINE));
      }
    }
  }

  @Test
  void aTimestampByAnUntrustedAuthorityFailsAuthenticTimestamp() throws Exception {
    SignatureCheck check =
        timestamped("notation-go/jwsWithTimestamp.sig", "always", "certs/e2e.crt", NOW);
    assertThat(check.verified()).isFalse();
    assertThat(check.message())
        .startsWith("authenticTimestamp: the timestamp's authority ")
        .endsWith(" does not lead to trust store tsa:test-timestamp");
  }

  @Test
  void afterCertExpiryVerifiesTheTimestampOnlyOnceTheCertificateExpired() throws Exception {
    SignatureCheck before =
        timestamped("notation-go/jwsWithTimestamp.sig", "afterCertExpiry", "certs/e2e.crt", NOW);
    assertThat(before).isEqualTo(SignatureCheck.verified(ALPINE));
    SignatureCheck after =
        timestamped(
            "notation-go/jwsWithTimestamp.sig", "afterCertExpiry", "certs/e2e.crt", AFTER_EXPIRY);
    assertThat(after.message()).startsWith("authenticTimestamp: the timestamp's authority");
  }

  @Test
  void withoutATimestampAnExpiredCertificateFailsAuthenticTimestamp() throws Exception {
    SignatureCheck valid =
        timestamped("notation-go/withoutTimestamp.sig", "always", GLOBALSIGN, NOW);
    assertThat(valid).isEqualTo(SignatureCheck.verified(ALPINE));
    SignatureCheck expired =
        timestamped("notation-go/withoutTimestamp.sig", "always", GLOBALSIGN, AFTER_EXPIRY);
    assertThat(expired)
        .isEqualTo(
            SignatureCheck.failed(
                ALPINE,
                "authenticTimestamp: the certificate "
                    + ALPINE
                    + " expired at 2033-05-10T04:55:12Z and the signature has no timestamp"));
  }

  @Test
  void aTimestampNeedsATsaTrustStore() throws Exception {
    SignatureCheck check =
        check(
            "notation-go/jwsWithTimestamp.sig",
            "application/jose+json",
            docker528(TIMESTAMPED),
            strict("ca:valid-trust-store"),
            Map.of("ca:valid-trust-store", certificates(TEST_TIMESTAMP)),
            NOW);
    assertThat(check.message())
        .isEqualTo(
            "authenticTimestamp: trust policy statement e2e names no trust store of type tsa to"
                + " verify the timestamp");
  }
}
