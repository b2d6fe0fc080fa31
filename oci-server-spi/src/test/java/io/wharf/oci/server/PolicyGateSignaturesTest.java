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
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.Rule;
import io.wharf.oci.policy.RuleMatch;
import io.wharf.oci.policy.SignatureRule;
import io.wharf.oci.policy.sign.SignatureFormat;
import io.wharf.oci.policy.sign.Signatures;
import io.wharf.oci.policy.sign.SignedSubject;
import io.wharf.oci.policy.testing.TestSignatureVerifier;
import io.wharf.oci.server.RegistryConformanceContract.Reply;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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

  private static Reply get(Calls calls, String reference) throws IOException {
    return calls.call(HttpMethod.GET, "/v2/" + REPO + "/manifests/" + reference);
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
    RawManifest image = r.calls().image(REPO, "image", Map.of());
    r.calls().putManifest(REPO, "v1", image);
    sign(r.calls(), image, "release.pub", image.digest(), true);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);
  }

  @Test
  void theVerdictIsCachedAndForgottenWhenASignatureArrives() throws Exception {
    Gated r = registry(policies(1, release), false);
    RawManifest image = r.calls().image(REPO, "image", Map.of());
    r.calls().putManifest(REPO, "v1", image);

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
    RawManifest image = r.calls().image(REPO, "image", Map.of());
    r.calls().putManifest(REPO, "v1", image);
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
    RawManifest image = r.calls().image(REPO, "image", Map.of());
    r.calls().putManifest(REPO, "v1", image);
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
    RawManifest image = r.calls().image(REPO, "image", Map.of());
    r.calls().putManifest(REPO, "v1", image);
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
    RawManifest image = r.calls().image(REPO, "image", Map.of());
    r.calls().putManifest(REPO, "v1", image);
    sign(r.calls(), image, "release.pub", image.digest(), false);
    assertThat(get(r.calls(), "v1").status()).isEqualTo(200);
    assertThat(release.subjects())
        .extracting(SignedSubject::reference)
        .containsExactly("registry.example.com/team/app:v1");
  }
}
