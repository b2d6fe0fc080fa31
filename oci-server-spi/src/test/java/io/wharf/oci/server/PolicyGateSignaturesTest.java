package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.policy.IndexSignatures;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicyDocument;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.Rule;
import io.wharf.oci.policy.RuleMatch;
import io.wharf.oci.policy.SignatureRule;
import io.wharf.oci.policy.sign.SignatureFormat;
import io.wharf.oci.policy.sign.Signatures;
import io.wharf.oci.policy.sign.SignedSubject;
import io.wharf.oci.policy.testing.CosignTestSigner;
import io.wharf.oci.policy.testing.TestSignatureVerifier;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signature rules enforced on pull by the gate, on the in-memory registry: signatures pushed as
 * cosign's {@code .sig} tag and as referrers, verdicts cached and forgotten when signatures arrive
 * or go, a reload re-judges. The verifier is a stand-in (no cryptography): these are the rules
 * around verification.
 */
class PolicyGateSignaturesTest {

  private static final String REPO = "team/app";
  private final Instant now = Instant.parse("2026-12-02T10:00:00Z");
  private final TestSignatureVerifier release = TestSignatureVerifier.key("release.pub");

  private static Policies policies(long revision, TestSignatureVerifier... verifiers)
      throws Exception {
    Rule rule =
        new Rule(
            "signed",
            RuleMatch.ALL,
            Optional.empty(),
            Optional.of(SignatureRule.of(List.of(verifiers), IndexSignatures.SELF)),
            false);
    return Policies.of(
        PolicySet.of(
            revision, List.of(PolicyDocument.of("test", List.of(rule), List.of(), Map.of()))));
  }

  private record Gated(Calls calls, PolicyGate gate) {}

  private Gated registry(Policies policies) {
    return registry(policies, true);
  }

  /**
   * A registry with the gate; as a listener too when {@code listening} (events arrive after the
   * fact, on another thread: a test counting verifications leaves them out, and relies on the
   * gate's invalidation at admission).
   */
  private Gated registry(Policies policies, boolean listening) {
    Registry.Builder b =
        Registry.builder(RegistryStorage.inMemory()).clock(Clock.fixed(now, ZoneOffset.UTC));
    PolicyGate gate =
        PolicyGate.builder(policies)
            .registryName("registry.example.com")
            .clock(Clock.fixed(now, ZoneOffset.UTC))
            .build();
    if (listening) {
      gate.applyTo(b);
    } else {
      b.addGate(gate);
    }
    return new Gated(new Calls(b.build()), gate);
  }

  /** Pushes a signature by {@code key} over {@code over}: by the .sig tag or as a referrer. */
  private static RawManifest sign(
      Calls calls, RawManifest image, String key, Digest over, boolean asReferrer)
      throws IOException {
    Descriptor layer =
        calls.pushBlob(
            REPO, TestSignatureVerifier.LAYER, TestSignatureVerifier.signature(key, over));
    calls.pushBlob(REPO, MediaType.OCI_EMPTY_JSON, Bytes.utf8("{}"));
    RawManifest signature =
        ManifestCodec.defaults()
            .encode(
                TestSignatureVerifier.manifest(
                    SignatureFormat.COSIGN,
                    List.of(layer),
                    asReferrer ? Optional.of(image.descriptor()) : Optional.empty()));
    String reference =
        asReferrer
            ? signature.digest().toString()
            : Signatures.signatureTag(image.digest()).orElseThrow().value();
    Reply put = calls.putManifest(REPO, reference, signature);
    assertThat(put.status()).as(put.body().utf8()).isEqualTo(201);
    return signature;
  }

  /** Pushes an image tagged {@code v1}. */
  private static RawManifest imageAtV1(Gated r) throws IOException {
    RawManifest image = r.calls().image(REPO, "image", Map.of());
    Reply put = r.calls().putManifest(REPO, "v1", image);
    assertThat(put.status()).as(put.body().utf8()).isEqualTo(201);
    return image;
  }

  private static Reply get(Calls calls, String reference) throws IOException {
    return calls.call(HttpMethod.GET, "/v2/" + REPO + "/manifests/" + reference);
  }

  @Test
  void aPlatformOfASignedIndexIsServedByDigestAndOneOfAnUnsignedIndexIsNot() throws Exception {
    Gated r = registry(policies(1, release));
    RawManifest amd64 = r.calls().image(REPO, "amd64", Map.of());
    RawManifest arm64 = r.calls().image(REPO, "arm64", Map.of());
    RawManifest lone = r.calls().image(REPO, "lone", Map.of());
    for (RawManifest child : List.of(amd64, arm64, lone)) {
      assertThat(r.calls().putManifest(REPO, child.digest().toString(), child).status())
          .isEqualTo(201);
    }
    RawManifest signedIndex =
        ManifestCodec.defaults()
            .encode(
                io.wharf.oci.model.ImageIndex.of(List.of(amd64.descriptor(), arm64.descriptor())));
    RawManifest unsignedIndex =
        ManifestCodec.defaults()
            .encode(io.wharf.oci.model.ImageIndex.of(List.of(lone.descriptor())));
    assertThat(r.calls().putManifest(REPO, "v1", signedIndex).status()).isEqualTo(201);
    assertThat(r.calls().putManifest(REPO, "v2", unsignedIndex).status()).isEqualTo(201);
    sign(r.calls(), signedIndex, "release.pub", signedIndex.digest(), false);

    // a client pulls the index by tag, then each platform's manifest by digest
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);
    assertThat(get(r.calls(), amd64.digest().toString()).status()).isEqualTo(200);
    assertThat(get(r.calls(), arm64.digest().toString()).status()).isEqualTo(200);
    assertThat(get(r.calls(), "v2").status()).isEqualTo(403);
    Reply child = get(r.calls(), lone.digest().toString());
    assertThat(child.status()).isEqualTo(403);
    assertThat(child.body().utf8()).contains("no signature by key release.pub");
  }

  @Test
  void underChildrenAPlatformNeedsItsOwnSignatureEvenInASignedIndex() throws Exception {
    Rule rule =
        new Rule(
            "signed",
            RuleMatch.ALL,
            Optional.empty(),
            Optional.of(SignatureRule.of(List.of(release), IndexSignatures.CHILDREN)),
            false);
    Gated r =
        registry(
            Policies.of(
                PolicySet.of(
                    1, List.of(PolicyDocument.of("test", List.of(rule), List.of(), Map.of())))));
    RawManifest amd64 = r.calls().image(REPO, "amd64", Map.of());
    assertThat(r.calls().putManifest(REPO, amd64.digest().toString(), amd64).status())
        .isEqualTo(201);
    RawManifest index =
        ManifestCodec.defaults()
            .encode(io.wharf.oci.model.ImageIndex.of(List.of(amd64.descriptor())));
    assertThat(r.calls().putManifest(REPO, "v1", index).status()).isEqualTo(201);
    sign(r.calls(), index, "release.pub", index.digest(), false);

    assertThat(get(r.calls(), amd64.digest().toString()).status()).isEqualTo(403);
    sign(r.calls(), amd64, "release.pub", amd64.digest(), false);
    assertThat(get(r.calls(), amd64.digest().toString()).status()).isEqualTo(200);
  }

  @Test
  void aSignedImagePassesAndAnUnsignedOneIsDeniedWithTheReason() throws Exception {
    Gated r = registry(policies(1, release));
    RawManifest signed = r.calls().image(REPO, "signed", Map.of());
    RawManifest unsigned = r.calls().image(REPO, "unsigned", Map.of());
    r.calls().putManifest(REPO, "v1", signed);
    r.calls().putManifest(REPO, "v2", unsigned);
    sign(r.calls(), signed, "release.pub", signed.digest(), false);

    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);
    assertThat(get(r.calls(), signed.digest().toString()).status()).isEqualTo(200);
    Reply denied = get(r.calls(), "v2");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.code()).isEqualTo("DENIED");
    assertThat(denied.body().utf8()).contains("no signature by key release.pub");
  }

  @Test
  void aSignatureByAnotherKeyOrOverAnotherDigestIsDeniedWithTheReason() throws Exception {
    Gated r = registry(policies(1, release));
    RawManifest image = r.calls().image(REPO, "image", Map.of());
    RawManifest other = r.calls().image(REPO, "other", Map.of());
    r.calls().putManifest(REPO, "v1", image);
    sign(r.calls(), image, "stranger.pub", image.digest(), false);
    sign(r.calls(), image, "release.pub", other.digest(), true);

    Reply denied = get(r.calls(), "v1");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.body().utf8())
        .contains("(cosign, by key release.pub): the signature is not by this key")
        .contains("(cosign, by key release.pub): signature does not match the manifest digest");
  }

  @Test
  void aReferrerSignatureCountsAsTheSigTagDoes() throws Exception {
    Gated r = registry(policies(1, release));
    RawManifest image = imageAtV1(r);
    sign(r.calls(), image, "release.pub", image.digest(), true);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);
  }

  @Test
  void theVerdictIsCachedAndForgottenWhenASignatureArrives() throws Exception {
    Gated r = registry(policies(1, release), false);
    RawManifest image = imageAtV1(r);

    assertThat(get(r.calls(), "v1").status()).isEqualTo(403);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(403);
    assertThat(release.calls()).as("no signature: nothing to verify").isZero();
    assertThat(r.gate().cachedVerdicts()).isEqualTo(1);

    sign(r.calls(), image, "release.pub", image.digest(), false);
    assertThat(r.gate().cachedVerdicts()).as("the .sig tag's push forgot it").isZero();
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);
    assertThat(get(r.calls(), image.digest().toString()).status()).isEqualTo(200);
    assertThat(release.calls()).as("verified once, then cached").isEqualTo(1);
  }

  @Test
  void aReferrerPushedOrDeletedForgetsTheVerdict() throws Exception {
    Gated r = registry(policies(1, release));
    RawManifest image = imageAtV1(r);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(403);

    RawManifest signature = sign(r.calls(), image, "release.pub", image.digest(), true);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);

    Reply deleted =
        r.calls().call(HttpMethod.DELETE, "/v2/" + REPO + "/manifests/" + signature.digest());
    assertThat(deleted.status()).isEqualTo(202);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(403);
  }

  @Test
  void theSigTagMovedOrDeletedForgetsTheVerdict() throws Exception {
    Gated r = registry(policies(1, release));
    RawManifest image = imageAtV1(r);
    sign(r.calls(), image, "release.pub", image.digest(), false);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);

    sign(r.calls(), image, "stranger.pub", image.digest(), false);
    assertThat(get(r.calls(), "v1").status()).as("the tag moved to a bad signature").isEqualTo(403);

    sign(r.calls(), image, "release.pub", image.digest(), false);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);
    String tag = Signatures.signatureTag(image.digest()).orElseThrow().value();
    assertThat(r.calls().call(HttpMethod.DELETE, "/v2/" + REPO + "/manifests/" + tag).status())
        .isEqualTo(202);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(403);
  }

  @Test
  void aReloadReJudges() throws Exception {
    Policies policies = policies(1, release);
    Gated r = registry(policies, false);
    RawManifest image = imageAtV1(r);
    sign(r.calls(), image, "release.pub", image.digest(), false);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);

    TestSignatureVerifier rotated = TestSignatureVerifier.key("rotated.pub");
    policies.replace(policies(2, rotated).current());
    Reply denied = get(r.calls(), "v1");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.body().utf8()).contains("(cosign, by key rotated.pub)");
    assertThat(rotated.calls()).isEqualTo(1);
  }

  @Test
  void theSubjectCarriesTheRegistryName() throws Exception {
    Gated r = registry(policies(1, release));
    RawManifest image = imageAtV1(r);
    sign(r.calls(), image, "release.pub", image.digest(), false);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);
    assertThat(release.subjects())
        .extracting(SignedSubject::reference)
        .containsExactly("registry.example.com/team/app:v1");
  }

  /** Pushes cosign's signature manifests: at the .sig tag, or as a referrer. */
  private static void push(Calls calls, CosignTestSigner.Signed signed, boolean asReferrer)
      throws IOException {
    for (CosignTestSigner.Blob blob : signed.blobs()) {
      calls.pushBlob(REPO, blob.mediaType(), blob.content());
    }
    Reply put;
    if (asReferrer) {
      calls.pushBlob(REPO, signed.referrerConfig().mediaType(), signed.referrerConfig().content());
      put = calls.putManifest(REPO, signed.referrer().digest().toString(), signed.referrer());
    } else {
      put = calls.putManifest(REPO, signed.tag(), signed.manifest());
    }
    assertThat(put.status()).as(put.body().utf8()).isEqualTo(201);
  }

  @Test
  void realCosignSignaturesUnderAPolicyDocument(@TempDir Path dir) throws Exception {
    CosignTestSigner signer = CosignTestSigner.generate();
    CosignTestSigner stranger = CosignTestSigner.generate();
    Files.writeString(dir.resolve("cosign.pub"), signer.publicKeyPem());
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nrules:\n  - name: signed\n    match: {projects: [team]}\n"
            + "    signatures:\n      cosign:\n        keys: [{file: cosign.pub}]\n"
            + "        requireReference: true\n");
    Gated r =
        registry(
            Policies.of(
                PolicySet.of(List.of(new PolicyLoader().load(dir.resolve("policy.yaml"))))));
    String reference = "registry.example.com/" + REPO;
    RawManifest byTag = r.calls().image(REPO, "by-tag", Map.of());
    RawManifest byReferrer = r.calls().image(REPO, "by-referrer", Map.of());
    RawManifest unsigned = r.calls().image(REPO, "unsigned", Map.of());
    RawManifest byStranger = r.calls().image(REPO, "by-stranger", Map.of());
    RawManifest overOther = r.calls().image(REPO, "over-other", Map.of());
    for (RawManifest m : List.of(byTag, byReferrer, unsigned, byStranger, overOther)) {
      r.calls().putManifest(REPO, m.digest().toString(), m);
    }
    push(r.calls(), signer.sign(reference, byTag.descriptor()), false);
    push(r.calls(), signer.sign(reference, byReferrer.descriptor()), true);
    push(r.calls(), stranger.sign(reference, byStranger.descriptor()), false);
    push(r.calls(), signer.sign(reference, overOther.descriptor(), byTag.digest()), false);

    assertThat(get(r.calls(), byTag.digest().toString()).status()).isEqualTo(200);
    assertThat(get(r.calls(), byReferrer.digest().toString()).status()).isEqualTo(200);
    Reply none = get(r.calls(), unsigned.digest().toString());
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.body().utf8()).contains("no signature by key cosign.pub");
    Reply otherKey = get(r.calls(), byStranger.digest().toString());
    assertThat(otherKey.status()).isEqualTo(403);
    assertThat(otherKey.body().utf8()).contains("(cosign, by key cosign.pub): ");
    Reply otherDigest = get(r.calls(), overOther.digest().toString());
    assertThat(otherDigest.status()).isEqualTo(403);
    assertThat(otherDigest.body().utf8())
        .contains("(cosign, by key cosign.pub): ")
        .containsIgnoringCase("digest");
  }
}
