package io.wharf.oci.policy.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.InMemoryPolicyContext;
import io.wharf.oci.policy.sign.CosignFixtures.Scene;
import io.wharf.oci.policy.sign.SignatureArtifact.Origin;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.io.IOException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Key-based cosign signatures: the test signer's (both ways: {@code .sig} tag and referrer) and
 * containers/image's real ones, with every failure the fixtures' README names.
 */
class CosignKeyVerifierTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final String VALID = "containers-image/dir-img-cosign-valid/";

  private final RawManifest image =
      RawManifest.of(
          MediaType.OCI_IMAGE_MANIFEST,
          Bytes.utf8(
              "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                  + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":"
                  + "\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\","
                  + "\"size\":2},\"layers\":[]}"));

  static SignatureVerifier key(String name, String pem, CosignOptions options) throws Exception {
    return CosignVerifiers.publicKey(name, pem, null, options);
  }

  static SignatureVerifier fixtureKey(String file) throws Exception {
    return key(file, CosignFixtures.text("containers-image/" + file), CosignOptions.defaults());
  }

  static List<SignatureCheck> verify(SignatureVerifier verifier, Scene scene) throws IOException {
    return verifier.verify(scene.subject(), scene.artifact(), scene.facts(), NOW);
  }

  private Scene signed(CosignTestSigner signer, Origin origin) {
    InMemoryPolicyContext facts = new InMemoryPolicyContext("team/app");
    facts.putManifest(image);
    return CosignFixtures.scene(
        facts,
        image.descriptor(),
        signer.sign("registry.example/team/app", image.descriptor()),
        origin);
  }

  @ParameterizedTest
  @EnumSource(Origin.class)
  void testSignerSignatureVerifiesBothWays(Origin origin) throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    SignatureVerifier verifier = key("cosign.pub", signer.publicKeyPem(), CosignOptions.defaults());

    List<SignatureCheck> checks = verify(verifier, signed(signer, origin));

    assertThat(checks).containsExactly(SignatureCheck.verified("key cosign.pub"));
    assertThat(verifier.name()).isEqualTo("key cosign.pub");
    assertThat(verifier.formats())
        .containsExactlyInAnyOrder(SignatureFormat.COSIGN, SignatureFormat.SIGSTORE_BUNDLE);
  }

  @Test
  void testSignerWritesCosignsShape() {
    CosignTestSigner signer = CosignTestSigner.generate();
    CosignTestSigner.Signed signed = signer.sign("registry.example/team/app", image.descriptor());

    assertThat(signed.tag()).isEqualTo("sha256-" + image.digest().encoded() + ".sig");
    assertThat(signed.config().content().size()).isEqualTo(233);
    assertThat(signed.signatures().get(0).payload().utf8())
        .isEqualTo(
            "{\"critical\":{\"identity\":{\"docker-reference\":\"registry.example/team/app\"},"
                + "\"image\":{\"docker-manifest-digest\":\""
                + image.digest()
                + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
    assertThat(signed.manifest().bytes().utf8())
        .startsWith(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":233,")
        .contains("\"annotations\":{\"dev.cosignproject.cosign/signature\":\"");
    assertThat(signed.referrer().parse().subject()).contains(image.descriptor());
    assertThat(signed.referrer().parse().effectiveArtifactType())
        .contains(CosignTestSigner.ARTIFACT_SIG);
    // the real fixture of the same kind has the same shape
    RawManifest real =
        RawManifest.of(
            MediaType.OCI_IMAGE_MANIFEST,
            Bytes.of(
                CosignFixtures.bytes(
                    "manifests/cosign-signature-manifest-oci11-with-subject.json")));
    assertThat(real.parse().effectiveArtifactType()).contains(CosignTestSigner.ARTIFACT_SIG);
  }

  @ParameterizedTest
  @EnumSource(Origin.class)
  void anotherKeysSignatureFails(Origin origin) throws Exception {
    SignatureVerifier verifier =
        key("cosign.pub", CosignTestSigner.generate().publicKeyPem(), CosignOptions.defaults());

    List<SignatureCheck> checks = verify(verifier, signed(CosignTestSigner.generate(), origin));

    assertThat(checks)
        .containsExactly(
            SignatureCheck.failed(
                "key cosign.pub", "the signature does not verify with key cosign.pub"));
  }

  @Test
  void signatureOverAnotherDigestFails() throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    InMemoryPolicyContext facts = new InMemoryPolicyContext("team/app");
    facts.putManifest(image);
    Digest other = Digest.sha256(Bytes.utf8("another image"));
    Scene scene =
        CosignFixtures.scene(
            facts,
            image.descriptor(),
            signer.sign("registry.example/team/app", image.descriptor(), other),
            Origin.TAG);

    List<SignatureCheck> checks =
        verify(key("cosign.pub", signer.publicKeyPem(), CosignOptions.defaults()), scene);

    assertThat(checks)
        .containsExactly(
            SignatureCheck.failed(
                "key cosign.pub", "signature does not match the manifest digest"));
  }

  @Test
  void everyKeyTypeCosignUsesVerifies() throws Exception {
    List<java.security.KeyPair> pairs = new ArrayList<>();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    pairs.add(ec.generateKeyPair());
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    pairs.add(rsa.generateKeyPair());
    pairs.add(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    for (java.security.KeyPair pair : pairs) {
      CosignTestSigner signer = CosignTestSigner.withKeys(pair);
      SignatureVerifier verifier = key("k.pub", signer.publicKeyPem(), CosignOptions.defaults());

      assertThat(verify(verifier, signed(signer, Origin.REFERRER)))
          .as(pair.getPublic().getAlgorithm())
          .containsExactly(SignatureCheck.verified("key k.pub"));
      assertThat(verify(verifier, signed(CosignTestSigner.withKeys(otherLike(pair)), Origin.TAG)))
          .as(pair.getPublic().getAlgorithm())
          .extracting(SignatureCheck::verified)
          .containsExactly(false);
    }
  }

  private static java.security.KeyPair otherLike(java.security.KeyPair pair) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(pair.getPublic().getAlgorithm());
    if (pair.getPublic() instanceof java.security.interfaces.ECPublicKey) {
      g.initialize(new ECGenParameterSpec("secp384r1"));
    } else if (pair.getPublic() instanceof java.security.interfaces.RSAPublicKey) {
      g.initialize(2048);
    }
    return g.generateKeyPair();
  }

  @Test
  void requireReferenceComparesTheRepository() throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    SignatureVerifier strict =
        key("cosign.pub", signer.publicKeyPem(), new CosignOptions(true, false));
    Scene scene = signed(signer, Origin.TAG);

    assertThat(verify(strict, scene))
        .containsExactly(
            SignatureCheck.failed(
                "key cosign.pub",
                "the signature names registry.example/team/app, not 192.168.64.2:5000/team/app"));
    SignedSubject right =
        new SignedSubject(
            "registry.example",
            RepositoryName.of("team/app"),
            Optional.empty(),
            image.descriptor());
    SignedSubject unknownRegistry =
        new SignedSubject(
            "", RepositoryName.of("team/app"), Optional.of(Tag.of("v1")), image.descriptor());
    assertThat(strict.verify(right, scene.artifact(), scene.facts(), NOW))
        .containsExactly(SignatureCheck.verified("key cosign.pub"));
    assertThat(strict.verify(unknownRegistry, scene.artifact(), scene.facts(), NOW))
        .containsExactly(SignatureCheck.verified("key cosign.pub"));
  }

  @Test
  void containersImageSignaturesVerifyWithTheirKey() throws Exception {
    Scene one = fixtureScene(VALID + "signature-1", VALID + "manifest.json");
    Scene two =
        fixtureScene(
            "containers-image/dir-img-cosign-valid-2/signature-2", VALID + "manifest.json");

    assertThat(verify(fixtureKey("cosign.pub"), one))
        .containsExactly(SignatureCheck.verified("key cosign.pub"));
    assertThat(verify(fixtureKey("cosign.pub"), two))
        .containsExactly(SignatureCheck.verified("key cosign.pub"));
  }

  @Test
  void containersImageFailuresFailWithTheirReason() throws Exception {
    Scene wrongKey = fixtureScene(VALID + "signature-1", VALID + "manifest.json");
    Scene unknownKey =
        fixtureScene("containers-image/unknown-cosign-key.signature", VALID + "manifest.json");
    Scene modified =
        fixtureScene(
            VALID + "signature-1",
            "containers-image/dir-img-cosign-modified-manifest/manifest.json");

    assertThat(verify(fixtureKey("cosign2.pub"), wrongKey))
        .containsExactly(
            SignatureCheck.failed(
                "key cosign2.pub", "the signature does not verify with key cosign2.pub"));
    for (String file : List.of("cosign.pub", "cosign2.pub")) {
      assertThat(verify(fixtureKey(file), unknownKey))
          .containsExactly(
              SignatureCheck.failed(
                  "key " + file, "the signature does not verify with key " + file));
    }
    assertThat(verify(fixtureKey("cosign.pub"), modified))
        .containsExactly(
            SignatureCheck.failed(
                "key cosign.pub", "signature does not match the manifest digest"));
  }

  @Test
  void simpleSigningExtractsVerifyAsTheReadmeSays() throws Exception {
    // the extracted files are the same signatures as the on-disk ones: check them as a layer
    String payload = CosignFixtures.text("simple-signing/valid-payload.json");
    for (String[] c :
        new String[][] {
          {"valid-signature.b64", "cosign.pub", "true"},
          {"valid-signature.b64", "cosign2.pub", "false"},
          {"unknown-key-signature.b64", "cosign.pub", "false"},
          {"unknown-key-signature.b64", "cosign2.pub", "false"}
        }) {
      String signature = CosignFixtures.text("simple-signing/" + c[0]).trim();
      CosignTestSigner.Signature layer =
          new CosignTestSigner.Signature(
              CosignTestSigner.Blob.of(CosignTestSigner.SIMPLE_SIGNING, Bytes.utf8(payload)),
              signature,
              java.util.Map.of(CosignTestSigner.SIGNATURE_ANNOTATION, signature));
      Scene scene =
          CosignFixtures.scene(
              "cosign-signed-single-sample", VALID + "manifest.json", List.of(layer), Origin.TAG);
      assertThat(verify(fixtureKey(c[1]), scene))
          .as(c[0] + " with " + c[1])
          .extracting(SignatureCheck::verified)
          .containsExactly(Boolean.parseBoolean(c[2]));
    }
  }

  @Test
  void oneCheckPerLayerInOrder() throws Exception {
    CosignTestSigner.Signature good = CosignFixtures.onDiskSignature(VALID + "signature-1");
    CosignTestSigner.Signature unknown =
        CosignFixtures.onDiskSignature("containers-image/unknown-cosign-key.signature");
    Scene scene =
        CosignFixtures.scene("repo", VALID + "manifest.json", List.of(unknown, good), Origin.TAG);

    assertThat(verify(fixtureKey("cosign.pub"), scene))
        .extracting(SignatureCheck::verified)
        .containsExactly(false, true);
  }

  @Test
  void badLayersAreFailedChecks() throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    SignatureVerifier verifier = key("cosign.pub", signer.publicKeyPem(), CosignOptions.defaults());
    CosignTestSigner.Signature real = signer.signature("r/a", image.digest());

    CosignTestSigner.Signature noAnnotation =
        new CosignTestSigner.Signature(real.layer(), "", java.util.Map.of());
    CosignTestSigner.Signature notBase64 =
        new CosignTestSigner.Signature(
            real.layer(), "", java.util.Map.of(CosignTestSigner.SIGNATURE_ANNOTATION, "%%%"));
    CosignTestSigner.Signature notSimpleSigning =
        new CosignTestSigner.Signature(
            new CosignTestSigner.Blob(MediaType.JSON, real.layer().digest(), real.payload()),
            real.signatureBase64(),
            real.annotations());
    Scene scene =
        CosignFixtures.scene(
            "repo", image, List.of(noAnnotation, notBase64, notSimpleSigning), Origin.TAG);

    assertThat(verify(verifier, scene))
        .extracting(SignatureCheck::message)
        .containsExactly(
            "layer "
                + real.layer().digest()
                + " has no dev.cosignproject.cosign/signature annotation",
            "the signature annotation is not base64",
            "layer "
                + real.layer().digest()
                + " is application/json, not a simple-signing payload");
  }

  @Test
  void missingPayloadBlobAndTooManyLayersAreFailedChecks() throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    SignatureVerifier verifier = key("cosign.pub", signer.publicKeyPem(), CosignOptions.defaults());
    Scene scene = signed(signer, Origin.TAG);
    Digest payload =
        ((io.wharf.oci.model.ImageManifest) scene.artifact().manifest().parse())
            .layers()
            .get(0)
            .digest();
    scene.facts().deleteBlob(payload);

    assertThat(verify(verifier, scene))
        .extracting(SignatureCheck::message)
        .containsExactly("the payload " + payload + " is not in the repository");

    List<CosignTestSigner.Signature> many =
        Collections.nCopies(33, signer.signature("r/a", image.digest()));
    Scene crowded = CosignFixtures.scene("repo", image, many, Origin.TAG);
    assertThat(verify(verifier, crowded))
        .extracting(SignatureCheck::message)
        .containsExactly(
            "the signature manifest " + crowded.artifact().digest() + " has more than 32 layers");
    assertThat(crowded.facts().reads()).isZero();
  }

  @Test
  void anIndexIsNotASignatureManifest() throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    RawManifest index =
        RawManifest.of(
            MediaType.OCI_IMAGE_INDEX,
            Bytes.utf8(
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                    + "\"manifests\":[]}"));
    SignatureArtifact artifact = new SignatureArtifact(SignatureFormat.COSIGN, index, Origin.TAG);
    Scene scene = signed(signer, Origin.TAG);

    assertThat(
            key("cosign.pub", signer.publicKeyPem(), CosignOptions.defaults())
                .verify(scene.subject(), artifact, scene.facts(), NOW))
        .extracting(SignatureCheck::message)
        .containsExactly("the signature manifest " + index.digest() + " is an index");
  }

  @Test
  void keyBasedSigstoreBundlesVerify() throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    SignatureVerifier verifier = key("cosign.pub", signer.publicKeyPem(), CosignOptions.defaults());
    Digest other = Digest.sha256(Bytes.utf8("other"));
    for (boolean dsse : new boolean[] {true, false}) {
      for (Digest signedDigest : List.of(image.digest(), other)) {
        InMemoryPolicyContext facts = new InMemoryPolicyContext("team/app");
        facts.putManifest(image);
        CosignTestSigner.BundleReferrer bundle =
            dsse
                ? signer.dsseBundle(image.descriptor(), signedDigest, "2026-01-01T00:00:00Z")
                : signer.messageBundle(image.descriptor(), signedDigest, "2026-01-01T00:00:00Z");
        facts.putBlob(bundle.bundle().content());
        facts.putBlob(bundle.config().content());
        facts.putManifest(bundle.referrer());
        assertThat(
                facts.referrers(
                    image.digest(), Optional.of(SignatureFormat.SIGSTORE_BUNDLE.artifactType())))
            .hasSize(1);
        SignedSubject subject =
            new SignedSubject(
                "", RepositoryName.of("team/app"), Optional.empty(), image.descriptor());
        SignatureArtifact artifact =
            new SignatureArtifact(
                SignatureFormat.SIGSTORE_BUNDLE, bundle.referrer(), Origin.REFERRER);

        List<SignatureCheck> checks = verifier.verify(subject, artifact, facts, NOW);

        if (signedDigest.equals(image.digest())) {
          assertThat(checks)
              .as("dsse " + dsse)
              .containsExactly(SignatureCheck.verified("key cosign.pub"));
        } else {
          assertThat(checks)
              .as("dsse " + dsse)
              .extracting(SignatureCheck::message)
              .allMatch(m -> m.startsWith("signature does not match the manifest digest"));
        }
      }
    }
  }

  @Test
  void keysThatDoNotParseAreTrustErrors() {
    assertThatThrownBy(() -> key("bad.pub", "not a key", CosignOptions.defaults()))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessage("bad.pub: no PEM 'PUBLIC KEY' block");
    assertThatThrownBy(
            () ->
                key(
                    "cosign.pub",
                    CosignFixtures.text("containers-image/cosign.pub"),
                    new CosignOptions(false, true)))
        .isInstanceOf(SignatureTrustException.class)
        .hasMessageContaining("a transparency log is required");
  }

  static Scene fixtureScene(String signature, String manifest) {
    return CosignFixtures.scene(
        "cosign-signed-single-sample",
        manifest,
        List.of(CosignFixtures.onDiskSignature(signature)),
        Origin.TAG);
  }
}
