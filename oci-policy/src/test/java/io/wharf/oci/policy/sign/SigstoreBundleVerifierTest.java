package io.wharf.oci.policy.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.policy.InMemoryPolicyContext;
import io.wharf.oci.policy.sign.internal.cosign.CosignSignatureVerifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Sigstore bundles: sigstore-java's (v0.2, v0.3, message signature and DSSE, over {@code
 * artifact.txt}) through the internal API that takes any artifact digest, and cosign's OCI
 * attestation bundle as a referrer of an image. Every tampered bundle fails with its reason.
 */
class SigstoreBundleVerifierTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final String BUNDLES = "sigstore-java/bundles/";
  static final KeylessIdentity APPU =
      new KeylessIdentity(
          "https://accounts.google.com", Optional.of("appu@google.com"), Optional.empty());
  static final KeylessIdentity WORKFLOW =
      new KeylessIdentity(
          "https://token.actions.githubusercontent.com",
          Optional.empty(),
          Optional.of("https://github.com/loosebazooka/aa-test/\\.github/workflows/.*"));

  private static CosignSignatureVerifier keyless(String root, KeylessIdentity... identities)
      throws Exception {
    SigstoreTrust trust = SigstoreTrust.fromTrustedRoot(root, CosignFixtures.bytes(root));
    return CosignSignatureVerifier.keyless(
        trust.root(), List.of(identities), CosignOptions.defaults());
  }

  private static SignatureCheck verifyOverArtifact(String bundle, KeylessIdentity... identities)
      throws Exception {
    byte[] artifact = CosignFixtures.bytes(BUNDLES + "artifact.txt");
    return keyless("sigstore-java/trusted_root.json", identities)
        .verifyBundle(
            CosignFixtures.bytes(BUNDLES + bundle),
            Digest.sha256(Bytes.of(artifact)),
            Optional.empty(),
            NOW);
  }

  @Test
  void sigstoreJavaBundlesVerify() throws Exception {
    assertThat(verifyOverArtifact("bundle.sigstore", APPU))
        .isEqualTo(SignatureCheck.verified("appu@google.com (https://accounts.google.com)"));
    assertThat(verifyOverArtifact("bundle.v3.sigstore", APPU))
        .isEqualTo(SignatureCheck.verified("appu@google.com (https://accounts.google.com)"));
    assertThat(verifyOverArtifact("bundle.dsse.sigstore", WORKFLOW))
        .isEqualTo(
            SignatureCheck.verified(
                "https://github.com/loosebazooka/aa-test/.github/workflows/provenance.yaml@refs/heads/main"
                    + " (https://token.actions.githubusercontent.com)"));
  }

  /**
   * A v0.1 bundle carries an inclusion promise (the log's signed entry timestamp) and no inclusion
   * proof. Made from sigstore-java's v0.2 bundle: its media type set to v0.1 and its proof taken
   * out; the promise alone proves, offline, that the log took the entry. Without the promise as
   * well, nothing does.
   */
  @Test
  void aVersion01BundleVerifiesByItsInclusionPromise() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode bundle =
        (ObjectNode) json.readTree(CosignFixtures.bytes(BUNDLES + "bundle.sigstore"));
    bundle.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1");
    List<ObjectNode> entries = new ArrayList<>();
    bundle.get("verificationMaterial").get("tlogEntries").forEach(e -> entries.add((ObjectNode) e));
    assertThat(entries).isNotEmpty();
    entries.forEach(e -> assertThat(e.remove("inclusionProof")).isNotNull());
    Digest artifact = Digest.sha256(Bytes.of(CosignFixtures.bytes(BUNDLES + "artifact.txt")));
    CosignSignatureVerifier verifier = keyless("sigstore-java/trusted_root.json", APPU);

    assertThat(
            verifier.verifyBundle(json.writeValueAsBytes(bundle), artifact, Optional.empty(), NOW))
        .isEqualTo(SignatureCheck.verified("appu@google.com (https://accounts.google.com)"));

    entries.forEach(e -> e.remove("inclusionPromise"));
    assertThat(
            verifier
                .verifyBundle(json.writeValueAsBytes(bundle), artifact, Optional.empty(), NOW)
                .message())
        .isEqualTo(
            "the transparency-log entry has neither a signed entry timestamp nor an inclusion proof");
  }

  @Test
  void tamperedSigstoreJavaBundlesFailWithTheirReason() throws Exception {
    assertThat(verifyOverArtifact("bundle-with-mismatched-set.sigstore", APPU).message())
        .isEqualTo("the transparency log's signed entry timestamp does not verify");
    assertThat(verifyOverArtifact("bundle-with-wrong-tlog-entry.sigstore", APPU).message())
        .isEqualTo("the transparency-log entry is for other content than this signature's");
    assertThat(verifyOverArtifact("bundle.dsse.bad-signature.sigstore", WORKFLOW).message())
        .isEqualTo("the DSSE signature does not verify with its certificate's key");
  }

  @Test
  void aBundleOverAnotherArtifactOrByAnotherIdentityFails() throws Exception {
    CosignSignatureVerifier verifier = keyless("sigstore-java/trusted_root.json", APPU, WORKFLOW);
    Digest other = Digest.sha256(Bytes.utf8("another artifact"));
    for (String bundle : List.of("bundle.sigstore", "bundle.dsse.sigstore")) {
      assertThat(
              verifier
                  .verifyBundle(
                      CosignFixtures.bytes(BUNDLES + bundle), other, Optional.empty(), NOW)
                  .message())
          .as(bundle)
          .startsWith("signature does not match the manifest digest");
    }
    assertThat(verifyOverArtifact("bundle.sigstore", WORKFLOW).message())
        .isEqualTo(
            "the certificate is issued to appu@google.com (https://accounts.google.com), not to a trusted identity");
  }

  @Test
  void inclusionProofAndCheckpointAreChecked() throws Exception {
    String bundle = CosignFixtures.text(BUNDLES + "bundle.sigstore");
    byte[] artifact = CosignFixtures.bytes(BUNDLES + "artifact.txt");
    CosignSignatureVerifier verifier = keyless("sigstore-java/trusted_root.json", APPU);
    String badProof =
        bundle.replace(
            "ZIU3md9RFYeb/QLydGOwhQ3ND+W4anIY65AcncCDATg=",
            "AIU3md9RFYeb/QLydGOwhQ3ND+W4anIY65AcncCDATg=");
    String badCheckpoint =
        bundle.replace(
            "rekor.sigstore.dev - 2605736670972794746\\n37795272",
            "rekor.sigstore.dev - 2605736670972794746\\n37795273");

    assertThat(
            verifier
                .verifyBundle(
                    badProof.getBytes(), Digest.sha256(Bytes.of(artifact)), Optional.empty(), NOW)
                .message())
        .isEqualTo("the inclusion proof does not lead to the tree's root hash");
    assertThat(
            verifier
                .verifyBundle(
                    badCheckpoint.getBytes(),
                    Digest.sha256(Bytes.of(artifact)),
                    Optional.empty(),
                    NOW)
                .message())
        .isEqualTo("the checkpoint names another tree than the inclusion proof");
  }

  @Test
  void cosignsOciAttestationBundleVerifiesButIsNoSignatureOfTheImage() throws Exception {
    Digest image =
        Digest.parse("sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4");
    Descriptor subjectDescriptor = Descriptor.of(MediaType.OCI_IMAGE_MANIFEST, image, 1234);
    InMemoryPolicyContext facts = new InMemoryPolicyContext("repo");
    Bytes bundle = Bytes.of(CosignFixtures.bytes("cosign/oci-attestation.sigstore.json"));
    Digest layer = facts.putBlob(bundle);
    facts.putBlob(Bytes.utf8("{}"));
    RawManifest referrer =
        RawManifest.of(
            MediaType.OCI_IMAGE_MANIFEST,
            Bytes.utf8(
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"size\":2,"
                    + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"},"
                    + "\"layers\":[{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
                    + "\"size\":"
                    + bundle.size()
                    + ",\"digest\":\""
                    + layer
                    + "\"}],"
                    + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"size\":1234,\"digest\":\""
                    + image
                    + "\"}}"));
    facts.putManifest(referrer);
    SignedSubject subject =
        new SignedSubject(
            "127.0.0.1:60943", RepositoryName.of("repo"), Optional.empty(), subjectDescriptor);
    SignatureArtifact artifact =
        new SignatureArtifact(
            SignatureFormat.SIGSTORE_BUNDLE, referrer, SignatureArtifact.Origin.REFERRER);
    SigstoreTrust trust =
        SigstoreTrust.fromTrustedRoot(
            "trusted_root_pgi.json", CosignFixtures.bytes("cosign/trusted_root_pgi.json"));
    KeylessIdentity cody =
        new KeylessIdentity(
            "https://github.com/login/oauth", Optional.of("cody@soyland.com"), Optional.empty());

    // The bundle itself verifies (signature, certificate at the log's time, identity, log entry,
    // subject) ...
    assertThat(
            keyless("cosign/trusted_root_pgi.json", cody)
                .verifyBundle(bundle.toByteArray(), image, Optional.empty(), NOW))
        .isEqualTo(SignatureCheck.verified("cody@soyland.com (https://github.com/login/oauth)"));
    // ... but it is an attestation (cosign attest), which does not sign the image.
    assertThat(
            CosignVerifiers.keyless(trust, List.of(cody), CosignOptions.defaults())
                .verify(subject, artifact, facts, NOW))
        .extracting(SignatureCheck::verified, SignatureCheck::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                false,
                "the bundle is an attestation (predicate"
                    + " https://cosign.sigstore.dev/attestation/v1), not a signature"));
    SignedSubject other =
        new SignedSubject(
            "",
            RepositoryName.of("repo"),
            Optional.empty(),
            Descriptor.of(MediaType.OCI_IMAGE_MANIFEST, Digest.sha256(Bytes.utf8("x")), 1));
    assertThat(
            CosignVerifiers.keyless(trust, List.of(cody), CosignOptions.defaults())
                .verify(other, artifact, facts, NOW))
        .extracting(SignatureCheck::message)
        .singleElement()
        .asString()
        .startsWith("signature does not match the manifest digest");
  }
}
