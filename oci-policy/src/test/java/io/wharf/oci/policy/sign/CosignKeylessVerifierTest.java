package io.wharf.oci.policy.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.policy.sign.CosignFixtures.Scene;
import io.wharf.oci.policy.sign.SignatureArtifact.Origin;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Legacy keyless cosign signatures (certificate, chain and Rekor SET annotations) and key-based
 * ones with a Rekor entry: containers/image's real files, and each way they can be tampered with.
 */
class CosignKeylessVerifierTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final String KEYLESS = "containers-image/dir-img-cosign-fulcio-rekor-valid/";
  static final String KEY_REKOR = "containers-image/dir-img-cosign-key-rekor-valid/";
  static final KeylessIdentity MITR =
      new KeylessIdentity(
          "https://github.com/login/oauth", Optional.of("mitr@redhat.com"), Optional.empty());

  static SigstoreTrust pemTrust() throws Exception {
    return SigstoreTrust.of(
        List.of(CosignFixtures.text("containers-image/fulcio_v1.crt.pem")),
        List.of(CosignFixtures.text("containers-image/rekor.pub")));
  }

  static SigstoreTrust trustedRoot() throws Exception {
    return SigstoreTrust.fromTrustedRoot(
        "trusted_root.json", CosignFixtures.bytes("sigstore-java/trusted_root.json"));
  }

  private static List<SignatureCheck> verify(SignatureVerifier verifier, Scene scene)
      throws Exception {
    return verifier.verify(scene.subject(), scene.artifact(), scene.facts(), NOW);
  }

  private static Scene keyless(CosignTestSigner.Signature signature) {
    return CosignFixtures.scene(
        "cosign-signed/fulcio-rekor-1",
        KEYLESS + "manifest.json",
        List.of(signature),
        Origin.REFERRER);
  }

  private static CosignTestSigner.Signature with(
      CosignTestSigner.Signature signature, String annotation, String value) {
    Map<String, String> annotations = new HashMap<>(signature.annotations());
    if (value == null) {
      annotations.remove(annotation);
    } else {
      annotations.put(annotation, value);
    }
    return new CosignTestSigner.Signature(
        signature.layer(), signature.signatureBase64(), annotations);
  }

  @Test
  void keylessSignatureVerifiesWithPemTrustAndWithTheTrustedRoot() throws Exception {
    Scene scene = keyless(CosignFixtures.onDiskSignature(KEYLESS + "signature-1"));
    for (SigstoreTrust trust : List.of(pemTrust(), trustedRoot())) {
      SignatureVerifier verifier =
          CosignVerifiers.keyless(trust, List.of(MITR), CosignOptions.defaults());

      assertThat(verify(verifier, scene))
          .containsExactly(
              SignatureCheck.verified("mitr@redhat.com (https://github.com/login/oauth)"));
      assertThat(verifier.name())
          .isEqualTo("keyless mitr@redhat.com (https://github.com/login/oauth)");
    }
  }

  @Test
  void identitiesAreMatchedExactlyOrByPattern() throws Exception {
    Scene scene = keyless(CosignFixtures.onDiskSignature(KEYLESS + "signature-1"));
    KeylessIdentity pattern =
        new KeylessIdentity(
            "https://github.com/login/oauth", Optional.empty(), Optional.of(".*@redhat\\.com"));
    KeylessIdentity otherIssuer =
        new KeylessIdentity(
            "https://accounts.google.com", Optional.of("mitr@redhat.com"), Optional.empty());
    KeylessIdentity otherSubject =
        new KeylessIdentity(
            "https://github.com/login/oauth", Optional.of("someone@redhat.com"), Optional.empty());

    assertThat(
            verify(
                CosignVerifiers.keyless(
                    pemTrust(), List.of(otherIssuer, pattern), CosignOptions.defaults()),
                scene))
        .extracting(SignatureCheck::verified)
        .containsExactly(true);
    assertThat(
            verify(
                CosignVerifiers.keyless(
                    pemTrust(), List.of(otherIssuer, otherSubject), CosignOptions.defaults()),
                scene))
        .extracting(SignatureCheck::message)
        .containsExactly(
            "the certificate is issued to mitr@redhat.com (https://github.com/login/oauth), not to a trusted identity");
  }

  @Test
  void keylessFailuresSayWhy() throws Exception {
    CosignTestSigner.Signature real = CosignFixtures.onDiskSignature(KEYLESS + "signature-1");
    SignatureVerifier verifier =
        CosignVerifiers.keyless(pemTrust(), List.of(MITR), CosignOptions.defaults());
    String bundle = real.annotations().get("dev.sigstore.cosign/bundle");
    String tamperedTime =
        bundle.replace("\"integratedTime\":1674247893", "\"integratedTime\":1674247894");
    String otherEntry = CosignFixtures.text("simple-signing/key-rekor-rekor-bundle.json");

    Map<CosignTestSigner.Signature, String> cases = new java.util.LinkedHashMap<>();
    cases.put(
        with(real, "dev.sigstore.cosign/bundle", null),
        "the signature has no transparency-log entry, and one is required");
    cases.put(
        with(real, "dev.sigstore.cosign/bundle", tamperedTime),
        "the transparency log's signed entry timestamp does not verify");
    cases.put(
        with(real, "dev.sigstore.cosign/bundle", otherEntry),
        "the transparency-log entry is for other content than this signature's");
    cases.put(
        with(real, "dev.sigstore.cosign/certificate", null),
        "the signature carries no certificate (it is not keyless)");
    cases.put(with(real, "dev.sigstore.cosign/bundle", "{"), "the Rekor bundle is not valid JSON");
    for (Map.Entry<CosignTestSigner.Signature, String> c : cases.entrySet()) {
      assertThat(verify(verifier, keyless(c.getKey())))
          .extracting(SignatureCheck::message)
          .singleElement()
          .asString()
          .startsWith(c.getValue());
    }
    SigstoreTrust unknownLog =
        SigstoreTrust.of(
            List.of(CosignFixtures.text("containers-image/fulcio_v1.crt.pem")),
            List.of(CosignFixtures.text("containers-image/cosign.pub")));
    assertThat(
            verify(
                CosignVerifiers.keyless(unknownLog, List.of(MITR), CosignOptions.defaults()),
                keyless(real)))
        .extracting(SignatureCheck::message)
        .containsExactly(
            "the transparency-log entry is from a log the trusted root does not know (log id"
                + " c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d)");
    SigstoreTrust otherRoot =
        SigstoreTrust.of(
            List.of(firstFulcioRootOfTheTrustedRoot()),
            List.of(CosignFixtures.text("containers-image/rekor.pub")));
    assertThat(
            verify(
                CosignVerifiers.keyless(otherRoot, List.of(MITR), CosignOptions.defaults()),
                keyless(with(real, "dev.sigstore.cosign/chain", null))))
        .extracting(SignatureCheck::message)
        .singleElement()
        .asString()
        .startsWith(
            "the certificate does not chain to a trusted Fulcio authority at 2023-01-20T20:51:33Z");
  }

  /** The 2021 Fulcio root of sigstore-java's trusted root, which did not issue the 2023 leaf. */
  private static String firstFulcioRootOfTheTrustedRoot() throws Exception {
    String der =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(CosignFixtures.bytes("sigstore-java/trusted_root.json"))
            .at("/certificateAuthorities/0/certChain/certificates/0/rawBytes")
            .asText();
    return "-----BEGIN CERTIFICATE-----\n" + der + "\n-----END CERTIFICATE-----\n";
  }

  @Test
  void theCertificateIsJudgedAtTheIntegratedTimeNotNow() throws Exception {
    // the leaf lived ten minutes in January 2023; the verifier's clock is years later
    Scene scene = keyless(CosignFixtures.onDiskSignature(KEYLESS + "signature-1"));
    SignatureVerifier verifier =
        CosignVerifiers.keyless(pemTrust(), List.of(MITR), CosignOptions.defaults());

    assertThat(
            verifier.verify(
                scene.subject(),
                scene.artifact(),
                scene.facts(),
                Instant.parse("2030-06-01T00:00:00Z")))
        .extracting(SignatureCheck::verified)
        .containsExactly(true);
    assertThat(
            verifier.verify(
                scene.subject(),
                scene.artifact(),
                scene.facts(),
                Instant.parse("2023-01-01T00:00:00Z")))
        .extracting(SignatureCheck::message)
        .containsExactly("the transparency-log entry was integrated in the future");
  }

  @Test
  void chainsThatAreTooLongAreFailures() throws Exception {
    CosignTestSigner.Signature real = CosignFixtures.onDiskSignature(KEYLESS + "signature-1");
    String chain = real.annotations().get("dev.sigstore.cosign/chain");
    String looping = (chain + "\n").repeat(5);

    assertThat(
            verify(
                CosignVerifiers.keyless(pemTrust(), List.of(MITR), CosignOptions.defaults()),
                keyless(with(real, "dev.sigstore.cosign/chain", looping))))
        .extracting(SignatureCheck::message)
        .containsExactly(
            "the dev.sigstore.cosign/chain annotation holds more than 10 certificates");
    // the same certificates repeated a few times still build the one right path
    assertThat(
            verify(
                CosignVerifiers.keyless(pemTrust(), List.of(MITR), CosignOptions.defaults()),
                keyless(with(real, "dev.sigstore.cosign/chain", (chain + "\n").repeat(4)))))
        .extracting(SignatureCheck::verified)
        .containsExactly(true);
  }

  @Test
  void keyBasedSignatureWithRekorEntry() throws Exception {
    Scene scene =
        CosignFixtures.scene(
            "cosign-signed/key-1",
            KEY_REKOR + "manifest.json",
            List.of(CosignFixtures.onDiskSignature(KEY_REKOR + "signature-1")),
            Origin.TAG);
    SigstoreTrust rekor =
        SigstoreTrust.of(List.of(), List.of(CosignFixtures.text("containers-image/rekor.pub")));
    SignatureVerifier required =
        CosignVerifiers.publicKey(
            "cosign2.pub",
            CosignFixtures.text("containers-image/cosign2.pub"),
            rekor,
            new CosignOptions(true, true));

    assertThat(verify(required, scene)).containsExactly(SignatureCheck.verified("key cosign2.pub"));
    assertThat(
            verify(
                CosignVerifiers.publicKey(
                    "cosign2.pub",
                    CosignFixtures.text("containers-image/cosign2.pub"),
                    trustedRoot(),
                    new CosignOptions(false, true)),
                scene))
        .containsExactly(SignatureCheck.verified("key cosign2.pub"));
    assertThat(
            verify(
                CosignVerifiers.publicKey(
                    "cosign.pub",
                    CosignFixtures.text("containers-image/cosign.pub"),
                    rekor,
                    new CosignOptions(false, true)),
                scene))
        .extracting(SignatureCheck::message)
        .containsExactly("the signature does not verify with key cosign.pub");
  }

  @Test
  void aRequiredLogIsRequired() throws Exception {
    SigstoreTrust rekor =
        SigstoreTrust.of(List.of(), List.of(CosignFixtures.text("containers-image/rekor.pub")));
    SignatureVerifier required =
        CosignVerifiers.publicKey(
            "cosign.pub",
            CosignFixtures.text("containers-image/cosign.pub"),
            rekor,
            new CosignOptions(false, true));
    CosignTestSigner.Signature valid =
        CosignFixtures.onDiskSignature("containers-image/dir-img-cosign-valid/signature-1");
    CosignTestSigner.Signature otherEntry =
        with(
            valid,
            "dev.sigstore.cosign/bundle",
            CosignFixtures.text("simple-signing/key-rekor-rekor-bundle.json"));

    assertThat(
            verify(
                required,
                CosignKeyVerifierTest.fixtureScene(
                    "containers-image/dir-img-cosign-valid/signature-1",
                    "containers-image/dir-img-cosign-valid/manifest.json")))
        .extracting(SignatureCheck::message)
        .containsExactly("the signature has no transparency-log entry, and one is required");
    assertThat(
            verify(
                required,
                CosignFixtures.scene(
                    "r",
                    "containers-image/dir-img-cosign-valid/manifest.json",
                    List.of(otherEntry),
                    Origin.TAG)))
        .extracting(SignatureCheck::message)
        .containsExactly("the transparency-log entry is for other content than this signature's");
  }

  @Test
  void trustMaterialThatDoesNotParseIsATrustError() {
    assertThatThrownBy(() -> SigstoreTrust.fromTrustedRoot("root.json", "{}".getBytes()))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessage("root.json: the trusted root has no string 'mediaType'");
    assertThatThrownBy(() -> SigstoreTrust.fromTrustedRoot("root.json", "[".repeat(100).getBytes()))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessageStartingWith("root.json: the trusted root is not valid JSON");
    assertThatThrownBy(() -> SigstoreTrust.of(List.of("junk"), List.of()))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessageStartingWith("Fulcio certificate 1: ");
    assertThatThrownBy(() -> SigstoreTrust.of(List.of(), List.of("junk")))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessage("Rekor key 1: no PEM 'PUBLIC KEY' block");
  }
}
