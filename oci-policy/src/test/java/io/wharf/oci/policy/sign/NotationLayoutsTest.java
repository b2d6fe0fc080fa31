package io.wharf.oci.policy.sign;

import static io.wharf.oci.policy.sign.NotationFixtures.bytes;
import static io.wharf.oci.policy.sign.NotationFixtures.certificates;
import static io.wharf.oci.policy.sign.NotationFixtures.layout;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.policy.sign.NotationFixtures.Signed;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The four OCI layouts of Notation's e2e suite verify or fail under Notation's own trust policies
 * (strict, permissive, audit, skip) as its suite says (fixtures README, section 3).
 */
class NotationLayoutsTest {

  private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
  private static final String E2E = "CN=e2e,O=Notary,L=Seattle,ST=WA,C=US";

  private static List<SignatureCheck> verify(
      String layout, String policyFile, String caE2e, Instant now)
      throws IOException, SignatureTrustException {
    SignatureVerifier verifier =
        NotationVerifiers.trustPolicy(
            "notation trust policy e2e",
            bytes("trustpolicies/" + policyFile),
            Map.of("ca:e2e", certificates("certs/" + caE2e)));
    Signed signed = layout(layout);
    return verifier.verify(signed.subject(), signed.signature(), signed.facts(), now);
  }

  private static SignatureCheck one(String layout, String policyFile, String caE2e)
      throws IOException, SignatureTrustException {
    List<SignatureCheck> checks = verify(layout, policyFile, caE2e, NOW);
    assertThat(checks).hasSize(1);
    return checks.get(0);
  }

  @Test
  void validSignatureVerifiesUnderStrict() throws Exception {
    SignatureCheck check = one("e2e-valid-signature", "trustpolicy.json", "e2e.crt");
    assertThat(check).isEqualTo(SignatureCheck.verified(E2E));
  }

  @Test
  void validSignatureFailsAuthenticityWithAnotherCertificate() throws Exception {
    SignatureCheck check = one("e2e-valid-signature", "trustpolicy.json", "new_e2e.crt");
    assertThat(check.verified()).isFalse();
    assertThat(check.signer()).isEqualTo(E2E);
    assertThat(check.message())
        .startsWith("authenticity: the certificate chain does not lead to trust store ca:e2e");
  }

  @Test
  void validSignatureWithAnotherCertificateIsAWarningUnderAudit() throws Exception {
    SignatureCheck check = one("e2e-valid-signature", "audit_trustpolicy.json", "new_e2e.crt");
    assertThat(check.verified()).isTrue();
    assertThat(check.warnings())
        .singleElement()
        .asString()
        .startsWith("authenticity: the certificate chain does not lead to trust store ca:e2e");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"trustpolicy.json", "permissive_trustpolicy.json", "audit_trustpolicy.json"})
  void invalidSignatureFailsIntegrity(String policy) throws Exception {
    SignatureCheck check = one("e2e-invalid-signature", policy, "e2e.crt");
    assertThat(check.verified()).isFalse();
    assertThat(check.signer()).isEqualTo("notation trust policy e2e");
    assertThat(check.message())
        .isEqualTo(
            "integrity: the envelope's media type is application/vnd.oci.image.layer.v1.tar,"
                + " not application/jose+json or application/cose");
  }

  @Test
  void expiredSignatureFailsExpiryUnderStrict() throws Exception {
    SignatureCheck check = one("e2e-expired-signature", "trustpolicy.json", "e2e.crt");
    assertThat(check)
        .isEqualTo(
            SignatureCheck.failed(E2E, "expiry: the signature expired at 2023-06-27T05:21:21Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"permissive_trustpolicy.json", "audit_trustpolicy.json"})
  void expiredSignatureIsAWarningUnderPermissiveAndAudit(String policy) throws Exception {
    SignatureCheck check = one("e2e-expired-signature", policy, "e2e.crt");
    assertThat(check)
        .isEqualTo(
            SignatureCheck.verified(
                E2E, List.of("expiry: the signature expired at 2023-06-27T05:21:21Z")));
  }

  @Test
  void expiredSignatureVerifiesBeforeItExpired() throws Exception {
    List<SignatureCheck> checks =
        verify(
            "e2e-expired-signature",
            "trustpolicy.json",
            "e2e.crt",
            Instant.parse("2023-06-27T05:21:00Z"));
    assertThat(checks).containsExactly(SignatureCheck.verified(E2E));
  }

  @Test
  void expiredCertificateFailsAuthenticTimestampUnderStrict() throws Exception {
    SignatureCheck check = one("e2e-with-expired-cert", "trustpolicy.json", "expired_e2e.crt");
    assertThat(check.verified()).isFalse();
    assertThat(check.signer()).isEqualTo("C=AU,ST=Some-State,O=Internet Widgits Pty Ltd");
    assertThat(check.message())
        .isEqualTo(
            "authenticTimestamp: the certificate C=AU,ST=Some-State,O=Internet Widgits Pty Ltd"
                + " expired at 2023-06-27T06:10:00Z and the signature has no timestamp");
  }

  @ParameterizedTest
  @ValueSource(strings = {"permissive_trustpolicy.json", "audit_trustpolicy.json"})
  void expiredCertificateIsAWarningUnderPermissiveAndAudit(String policy) throws Exception {
    SignatureCheck check = one("e2e-with-expired-cert", policy, "expired_e2e.crt");
    assertThat(check.verified()).isTrue();
    assertThat(check.warnings())
        .containsExactly(
            "authenticTimestamp: the certificate C=AU,ST=Some-State,O=Internet Widgits Pty Ltd"
                + " expired at 2023-06-27T06:10:00Z and the signature has no timestamp");
  }

  @Test
  void skipAcceptsEvenAnInvalidSignature() throws Exception {
    SignatureVerifier verifier =
        NotationVerifiers.trustPolicy(
            "notation trust policy e2e", bytes("trustpolicies/skip_trustpolicy.json"), Map.of());
    Signed signed = layout("e2e-invalid-signature");
    List<SignatureCheck> checks =
        verifier.verify(signed.subject(), signed.signature(), signed.facts(), NOW);
    assertThat(checks).singleElement().extracting(SignatureCheck::verified).isEqualTo(true);
    assertThat(checks.get(0).warnings()).singleElement().asString().contains("level skip");
  }

  @Test
  void aSignatureOfAnotherManifestFailsIntegrity() throws Exception {
    Signed valid = layout("e2e-valid-signature");
    Signed other = layout("e2e-expired-signature");
    SignatureVerifier verifier =
        NotationVerifiers.trustPolicy(
            "notation trust policy e2e",
            bytes("trustpolicies/trustpolicy.json"),
            Map.of("ca:e2e", certificates("certs/e2e.crt")));
    // the expired layout's signature, checked against a manifest it does not name
    SignedSubject elsewhere =
        new SignedSubject(
            valid.subject().registry(),
            valid.subject().repository(),
            valid.subject().tag(),
            NotationFixtures.signedManifest19dbd2e4());
    List<SignatureCheck> checks = verifier.verify(elsewhere, other.signature(), other.facts(), NOW);
    assertThat(checks).singleElement().extracting(SignatureCheck::verified).isEqualTo(false);
    assertThat(checks.get(0).message())
        .isEqualTo(
            "integrity: the signature manifest's subject is sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9,"
                + " not sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0");
  }

  @Test
  void trustedIdentitiesMatchTheSubjectAttributes() throws Exception {
    Map<String, List<X509Certificate>> stores = Map.of("ca:e2e", certificates("certs/e2e.crt"));
    Signed signed = layout("e2e-valid-signature");
    SignatureVerifier matching =
        NotationVerifiers.trustPolicy(
            "e2e",
            NotationFixtures.policy(
                "strict", "", List.of("ca:e2e"), List.of("x509.subject: C=US, ST=WA, O=Notary")),
            stores);
    assertThat(matching.verify(signed.subject(), signed.signature(), signed.facts(), NOW))
        .containsExactly(SignatureCheck.verified(E2E));
    SignatureVerifier other =
        NotationVerifiers.trustPolicy(
            "e2e",
            NotationFixtures.policy(
                "strict",
                "",
                List.of("ca:e2e"),
                List.of("x509.subject: C=US, ST=WA, O=Notary, CN=someone else")),
            stores);
    assertThat(other.verify(signed.subject(), signed.signature(), signed.facts(), NOW))
        .containsExactly(
            SignatureCheck.failed(
                E2E,
                "authenticity: the signing certificate "
                    + E2E
                    + " is none of the trusted identities of trust policy statement e2e"));
  }

  @Test
  void aStatementAppliesByRegistryScope() throws Exception {
    String json =
        "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"only-other\","
            + "\"registryScopes\":[\"registry.example/other\"],"
            + "\"signatureVerification\":{\"level\":\"strict\"},"
            + "\"trustStores\":[\"ca:e2e\"],\"trustedIdentities\":[\"*\"]},"
            + "{\"name\":\"this\",\"registryScopes\":[\"registry.example/e2e\"],"
            + "\"signatureVerification\":{\"level\":\"strict\"},"
            + "\"trustStores\":[\"ca:e2e\"],\"trustedIdentities\":[\"*\"]}]}";
    Signed signed = layout("e2e-valid-signature");
    SignatureVerifier verifier =
        NotationVerifiers.trustPolicy(
            "scoped",
            json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Map.of("ca:e2e", certificates("certs/e2e.crt")));
    assertThat(verifier.verify(signed.subject(), signed.signature(), signed.facts(), NOW))
        .containsExactly(SignatureCheck.verified(E2E));
    SignedSubject unscoped =
        new SignedSubject(
            "other.example",
            signed.subject().repository(),
            signed.subject().tag(),
            signed.subject().descriptor());
    assertThat(verifier.verify(unscoped, signed.signature(), signed.facts(), NOW))
        .containsExactly(
            SignatureCheck.failed(
                "scoped", "no trust policy statement applies to other.example/e2e"));
  }

  @Test
  void aMissingEnvelopeBlobIsAFailedCheck() throws Exception {
    Signed signed = layout("e2e-valid-signature");
    signed
        .facts()
        .deleteBlob(
            io.wharf.oci.model.Digest.parse(
                "sha256:c9af07e038b2b1a463e648986ad7273157511ffeba0b689f33e5472bae471f50"));
    SignatureVerifier verifier =
        NotationVerifiers.trustPolicy(
            "notation trust policy e2e",
            bytes("trustpolicies/trustpolicy.json"),
            Map.of("ca:e2e", certificates("certs/e2e.crt")));
    assertThat(verifier.verify(signed.subject(), signed.signature(), signed.facts(), NOW))
        .singleElement()
        .extracting(SignatureCheck::message)
        .asString()
        .startsWith("integrity: the envelope blob sha256:c9af07e0");
  }

  @Test
  void aBrokenDiskIsAnIoException() {
    Signed signed = layout("e2e-valid-signature");
    signed
        .facts()
        .failReadsOf(
            io.wharf.oci.model.Digest.parse(
                "sha256:c9af07e038b2b1a463e648986ad7273157511ffeba0b689f33e5472bae471f50"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                NotationVerifiers.trustPolicy(
                        "e2e",
                        bytes("trustpolicies/trustpolicy.json"),
                        Map.of("ca:e2e", certificates("certs/e2e.crt")))
                    .verify(signed.subject(), signed.signature(), signed.facts(), NOW))
        .isInstanceOf(IOException.class);
  }
}
