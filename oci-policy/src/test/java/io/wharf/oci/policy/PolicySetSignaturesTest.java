package io.wharf.oci.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.sign.SignatureArtifact;
import io.wharf.oci.policy.sign.SignatureCheck;
import io.wharf.oci.policy.sign.SignatureFormat;
import io.wharf.oci.policy.sign.SignatureVerdict;
import io.wharf.oci.policy.sign.SignatureVerdicts;
import io.wharf.oci.policy.sign.SignatureVerifier;
import io.wharf.oci.policy.sign.Signatures;
import io.wharf.oci.policy.sign.SignedSubject;
import io.wharf.oci.policy.testing.TestSignatureVerifier;
import io.wharf.oci.policy.vuln.Severity;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Signature rules on pull: found by tag and as referrers, verified, cached, scoped, combined. */
class PolicySetSignaturesTest {

  private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

  private final InMemoryPolicyContext facts = new InMemoryPolicyContext("team-a/app");
  private final TestSignatureVerifier release = TestSignatureVerifier.key("release.pub");
  private final TestSignatureVerifier backup = TestSignatureVerifier.key("backup.pub");

  private RawManifest image(String content) {
    Bytes layer = Bytes.utf8(content);
    facts.putBlob(layer);
    return facts.putManifest(
        ImageManifest.artifact(
            MediaType.parse("application/vnd.example.thing"),
            List.of(Descriptor.of(MediaType.OCTET_STREAM, layer))));
  }

  /** Pushes a signature manifest of {@code format} holding one signature by {@code key}. */
  private RawManifest sign(
      RawManifest image, String key, Digest over, SignatureFormat format, boolean asReferrer) {
    Bytes signature = TestSignatureVerifier.signature(key, over);
    facts.putBlob(signature);
    Descriptor layer = Descriptor.of(TestSignatureVerifier.LAYER, signature);
    RawManifest manifest =
        facts.putManifest(
            TestSignatureVerifier.manifest(
                format,
                List.of(layer),
                asReferrer ? Optional.of(image.descriptor()) : Optional.empty()));
    if (!asReferrer) {
      facts.tag(Signatures.signatureTag(image.digest()).orElseThrow().value(), manifest.digest());
    }
    return manifest;
  }

  private static PolicySet policy(Rule... rules) {
    try {
      return PolicySet.of(List.of(PolicyDocument.of("test", List.of(rules), List.of(), Map.of())));
    } catch (PolicyException e) {
      throw new AssertionError(e);
    }
  }

  private static Rule signed(String name, RuleMatch match, SignatureRule rule) {
    return new Rule(name, match, Optional.empty(), Optional.of(rule), false);
  }

  private PolicySet requireRelease(IndexSignatures index) {
    return policy(
        signed("signed", RuleMatch.ALL, SignatureRule.of(List.of(release, backup), index)));
  }

  private Decision pull(PolicySet policy, RawManifest manifest, String tag) throws IOException {
    return pull(policy, manifest, tag, SignatureVerdicts.none());
  }

  private Decision pull(
      PolicySet policy, RawManifest manifest, String tag, SignatureVerdicts verdicts)
      throws IOException {
    return policy.pull(
        "registry.example.com",
        facts.repository(),
        Optional.ofNullable(tag).map(Tag::of),
        manifest,
        facts,
        (context, digest) -> Optional.empty(),
        verdicts,
        NOW);
  }

  @Test
  void aSignatureFoundByItsSigTagOrAsAReferrerAllowsThePull() throws IOException {
    RawManifest byTag = image("by tag");
    RawManifest byReferrer = image("by referrer");
    sign(byTag, "release.pub", byTag.digest(), SignatureFormat.COSIGN, false);
    sign(byReferrer, "backup.pub", byReferrer.digest(), SignatureFormat.SIGSTORE_BUNDLE, true);
    PolicySet policy = requireRelease(IndexSignatures.SELF);

    assertThat(pull(policy, byTag, "v1").allowed()).isTrue();
    assertThat(pull(policy, byReferrer, null).allowed()).isTrue();
  }

  @Test
  void anUnsignedImageIsDeniedNamingEveryTrustedSigner() throws IOException {
    RawManifest unsigned = image("unsigned");

    Decision decision = pull(requireRelease(IndexSignatures.SELF), unsigned, "v1");

    assertThat(decision.reasons())
        .containsExactly(new Reason("signed", "no signature by key release.pub or key backup.pub"));
  }

  @Test
  void eachFailedSignatureIsAReasonNamingItsDigestFormatAndSigner() throws IOException {
    RawManifest target = image("target");
    RawManifest other = image("other");
    RawManifest byStranger =
        sign(target, "stranger.pub", target.digest(), SignatureFormat.COSIGN, false);
    RawManifest overOther =
        sign(target, "release.pub", other.digest(), SignatureFormat.SIGSTORE_BUNDLE, true);

    Decision decision =
        pull(
            policy(
                signed(
                    "signed",
                    RuleMatch.ALL,
                    SignatureRule.of(List.of(release), IndexSignatures.SELF))),
            target,
            "v1");

    assertThat(decision.messages())
        .containsExactly(
            "signature "
                + PullJudge.Text.shortDigest(byStranger.digest())
                + " (cosign, by key release.pub): the signature is not by this key",
            "signature "
                + PullJudge.Text.shortDigest(overOther.digest())
                + " (sigstore bundle, by key release.pub): signature does not match the manifest"
                + " digest");
  }

  @Test
  void atMostTenFailuresAreListedAndAtMostSixteenSignatureManifestsRead() throws IOException {
    RawManifest target = image("target");
    for (int i = 0; i < Signatures.MAX_ARTIFACTS + 3; i++) {
      sign(target, "stranger-" + i, target.digest(), SignatureFormat.COSIGN, true);
    }
    Decision decision =
        pull(
            policy(
                signed(
                    "signed",
                    RuleMatch.ALL,
                    SignatureRule.of(List.of(release), IndexSignatures.SELF))),
            target,
            null);

    assertThat(decision.messages()).hasSize(SignatureJudge.MAX_FAILURES + 2);
    assertThat(decision.messages().get(SignatureJudge.MAX_FAILURES))
        .isEqualTo("and 6 more failed signatures");
    assertThat(decision.messages().get(SignatureJudge.MAX_FAILURES + 1))
        .isEqualTo("3 more signature manifests were not read (at most 16 are)");
    assertThat(release.calls()).isEqualTo(Signatures.MAX_ARTIFACTS);
  }

  @Test
  void aValidSignatureAmongBadOnesAllowsAndStopsTheVerifying() throws IOException {
    RawManifest target = image("target");
    sign(target, "release.pub", target.digest(), SignatureFormat.COSIGN, false);
    for (int i = 0; i < 5; i++) {
      sign(target, "stranger-" + i, target.digest(), SignatureFormat.COSIGN, true);
    }
    assertThat(pull(requireRelease(IndexSignatures.SELF), target, "v1").allowed()).isTrue();
    assertThat(release.calls()).as("the tag's signature comes first").isEqualTo(1);
  }

  @Test
  void aSignatureManifestThatIsListedButMissingIsSkippedWithWhy() throws IOException {
    RawManifest target = image("target");
    RawManifest gone = sign(target, "release.pub", target.digest(), SignatureFormat.COSIGN, true);
    facts.forgetManifestKeepingReferrer(gone.digest(), target.descriptor());

    Decision decision = pull(requireRelease(IndexSignatures.SELF), target, null);

    assertThat(decision.messages())
        .containsExactly(
            "no signature by key release.pub or key backup.pub",
            "signature manifest "
                + gone.digest()
                + " listed as a referrer is not in the repository");
  }

  @Test
  void signaturesOfFormatsNoVerifierReadsAreNotLookedAt() throws IOException {
    RawManifest target = image("target");
    sign(target, "release.pub", target.digest(), SignatureFormat.NOTATION, true);
    TestSignatureVerifier notation =
        TestSignatureVerifier.key("release.pub", Set.of(SignatureFormat.NOTATION));

    assertThat(pull(requireRelease(IndexSignatures.SELF), target, null).messages())
        .containsExactly("no signature by key release.pub or key backup.pub");
    assertThat(
            pull(
                    policy(
                        signed(
                            "notation",
                            RuleMatch.ALL,
                            SignatureRule.of(List.of(notation), IndexSignatures.SELF))),
                    target,
                    null)
                .allowed())
        .isTrue();
  }

  private RawManifest index(RawManifest amd64, RawManifest arm64) {
    return facts.putManifest(
        ImageIndex.of(
            List.of(
                amd64.descriptor().withPlatform(Platform.of("linux", "amd64")),
                arm64.descriptor().withPlatform(Platform.of("linux", "arm64")))));
  }

  @Test
  void anIndexIsJudgedByItsOwnSignatureOrByEachChildsAsTheRuleSays() throws IOException {
    RawManifest amd64 = image("amd64");
    RawManifest arm64 = image("arm64");
    RawManifest index = index(amd64, arm64);
    sign(index, "release.pub", index.digest(), SignatureFormat.COSIGN, false);
    sign(amd64, "release.pub", amd64.digest(), SignatureFormat.COSIGN, false);

    assertThat(pull(requireRelease(IndexSignatures.SELF), index, "v1").allowed()).isTrue();
    assertThat(pull(requireRelease(IndexSignatures.CHILDREN), index, "v1").messages())
        .containsExactly("linux/arm64: no signature by key release.pub or key backup.pub");

    sign(arm64, "backup.pub", arm64.digest(), SignatureFormat.SIGSTORE_BUNDLE, true);
    assertThat(pull(requireRelease(IndexSignatures.CHILDREN), index, "v1").allowed()).isTrue();
  }

  @Test
  void underChildrenAChildMissingFromTheRepositoryIsAReason() throws IOException {
    RawManifest amd64 = image("amd64");
    RawManifest arm64 = image("arm64");
    RawManifest index = index(amd64, arm64);
    sign(amd64, "release.pub", amd64.digest(), SignatureFormat.COSIGN, false);
    InMemoryPolicyContext partial = new InMemoryPolicyContext("team-a/app");
    // only the index and amd64 with its signature are in this repository
    RawManifest signature =
        sign(amd64, "release.pub", amd64.digest(), SignatureFormat.COSIGN, true);
    partial.putManifest(index);
    partial.putManifest(amd64);
    partial.putManifest(signature);
    partial.putBlob(TestSignatureVerifier.signature("release.pub", amd64.digest()));

    Decision decision =
        requireRelease(IndexSignatures.CHILDREN)
            .pull(
                "",
                partial.repository(),
                Optional.empty(),
                index,
                partial,
                (context, digest) -> Optional.empty(),
                SignatureVerdicts.none(),
                NOW);

    assertThat(decision.messages())
        .containsExactly(
            "linux/arm64: manifest "
                + arm64.digest()
                + " listed by the index is not in the repository; push it");
  }

  @Test
  void aRefusalDeniesEveryPullWithoutReadingAnything() throws IOException {
    CountingContext counting = new CountingContext(facts);
    Decision decision =
        policy(signed("rejected", RuleMatch.ALL, SignatureRule.refuse("rejected by policy.json")))
            .pull(
                "",
                facts.repository(),
                Optional.of(Tag.of("v1")),
                image("x"),
                counting,
                (context, digest) -> Optional.empty(),
                SignatureVerdicts.none(),
                NOW);
    assertThat(decision.messages()).containsExactly("rejected by policy.json");
    assertThat(counting.calls).hasValue(0);
  }

  @Test
  void whenNoSignatureRuleAppliesNothingIsReadOrVerified() throws IOException {
    RawManifest target = image("target");
    CountingContext counting = new CountingContext(facts);
    PolicySet policy =
        policy(
            signed(
                "releases",
                new RuleMatch(List.of(), List.of(), List.of(Glob.compile("v*"))),
                SignatureRule.of(List.of(release), IndexSignatures.SELF)),
            signed(
                "team-b",
                new RuleMatch(List.of(Glob.compile("team-b")), List.of(), List.of()),
                SignatureRule.of(List.of(release), IndexSignatures.SELF)));

    Decision decision =
        policy.pull(
            "",
            facts.repository(),
            Optional.of(Tag.of("latest")),
            target,
            counting,
            (context, digest) -> Optional.empty(),
            SignatureVerdicts.none(),
            NOW);

    assertThat(decision).isSameAs(Decision.allow());
    assertThat(counting.calls).hasValue(0);
    assertThat(release.calls()).isZero();
  }

  @Test
  void aPullByDigestIsJudgedByTheTagsPointingAtIt() throws IOException {
    RawManifest released = image("released");
    RawManifest snapshot = image("snapshot");
    facts.tag("v1", released.digest());
    facts.tag("latest", snapshot.digest());
    PolicySet policy =
        policy(
            signed(
                "releases",
                new RuleMatch(List.of(), List.of(), List.of(Glob.compile("v*"))),
                SignatureRule.of(List.of(release), IndexSignatures.SELF)));

    assertThat(pull(policy, released, null).messages())
        .containsExactly("no signature by key release.pub");
    assertThat(pull(policy, snapshot, null).allowed()).isTrue();
  }

  @Test
  void aRuleWithVulnerabilitiesAndSignaturesDeniesForEach() throws IOException {
    RawManifest target = image("target");
    Rule both =
        new Rule(
            "both",
            RuleMatch.ALL,
            Optional.of(VulnerabilityRule.atOrAbove(Severity.HIGH)),
            Optional.of(SignatureRule.of(List.of(release), IndexSignatures.SELF)),
            false);
    Decision decision = pull(policy(both), target, "v1");
    assertThat(decision.messages())
        .containsExactly(
            "no vulnerability report; rule both requires one: scan the image and attach its"
                + " report",
            "no signature by key release.pub");

    sign(target, "release.pub", target.digest(), SignatureFormat.COSIGN, false);
    VulnerabilityReport clean =
        new VulnerabilityReport(
            io.wharf.oci.policy.vuln.ReportFormat.TRIVY,
            Optional.empty(),
            Optional.of(NOW),
            List.of(),
            List.of());
    Decision allowed =
        policy(both)
            .pull(
                "",
                facts.repository(),
                Optional.of(Tag.of("v1")),
                target,
                facts,
                (context, digest) -> Optional.of(clean),
                SignatureVerdicts.none(),
                NOW);
    assertThat(allowed.allowed()).isTrue();
  }

  @Test
  void verdictsAreKeptUnderRepositoryManifestRevisionAndRule() throws IOException {
    RawManifest target = image("target");
    sign(target, "release.pub", target.digest(), SignatureFormat.COSIGN, false);
    Map<SignatureVerdicts.Key, SignatureVerdict> kept = new HashMap<>();
    SignatureVerdicts cache =
        (key, computation) -> {
          SignatureVerdict known = kept.get(key);
          if (known == null) {
            known = computation.compute();
            kept.put(key, known);
          }
          return known;
        };
    PolicySet policy = requireRelease(IndexSignatures.SELF);

    assertThat(pull(policy, target, "v1", cache).allowed()).isTrue();
    assertThat(pull(policy, target, "latest", cache).allowed()).isTrue();
    assertThat(pull(policy, target, null, cache).allowed()).isTrue();

    assertThat(release.calls()).isEqualTo(1);
    assertThat(kept)
        .containsOnlyKeys(
            new SignatureVerdicts.Key(
                RepositoryName.of("team-a/app"), target.digest(), policy.revision(), "signed"));
  }

  @Test
  void aVerifierThatBreaksFailsClosedWithAReason() throws IOException {
    RawManifest target = image("target");
    RawManifest signature =
        sign(target, "release.pub", target.digest(), SignatureFormat.COSIGN, false);
    SignatureVerifier broken =
        new SignatureVerifier() {
          @Override
          public String name() {
            return "key broken.pub";
          }

          @Override
          public Set<SignatureFormat> formats() {
            return Set.of(SignatureFormat.COSIGN);
          }

          @Override
          public List<SignatureCheck> verify(
              SignedSubject subject, SignatureArtifact artifact, PolicyContext f, Instant now) {
            throw new IllegalStateException("bug");
          }
        };
    Decision decision =
        pull(
            policy(
                signed(
                    "signed",
                    RuleMatch.ALL,
                    SignatureRule.of(List.of(broken), IndexSignatures.SELF))),
            target,
            "v1");
    assertThat(decision.messages())
        .containsExactly(
            "signature "
                + PullJudge.Text.shortDigest(signature.digest())
                + " (cosign, by key broken.pub): the verifier failed on it"
                + " (IllegalStateException)");
  }

  @Test
  void theSubjectNamesTheRegistryRepositoryTagAndManifest() throws IOException {
    RawManifest target = image("target");
    sign(target, "release.pub", target.digest(), SignatureFormat.COSIGN, false);
    List<SignedSubject> seen = new ArrayList<>();
    SignatureVerifier recording =
        new SignatureVerifier() {
          @Override
          public String name() {
            return "key recording.pub";
          }

          @Override
          public Set<SignatureFormat> formats() {
            return Set.of(SignatureFormat.COSIGN);
          }

          @Override
          public List<SignatureCheck> verify(
              SignedSubject subject, SignatureArtifact artifact, PolicyContext f, Instant now) {
            seen.add(subject);
            assertThat(artifact.origin()).isEqualTo(SignatureArtifact.Origin.TAG);
            return List.of(SignatureCheck.verified(name()));
          }
        };
    pull(
        policy(
            signed(
                "signed",
                RuleMatch.ALL,
                SignatureRule.of(List.of(recording), IndexSignatures.SELF))),
        target,
        "v1");
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).reference()).isEqualTo("registry.example.com/team-a/app:v1");
    assertThat(seen.get(0).descriptor()).isEqualTo(target.descriptor());
  }

  @Test
  void cosignTagsNameTheirSubject() {
    Digest digest = Digest.sha256(Bytes.utf8("x"));
    String hex = digest.encoded();
    for (String suffix : List.of(".sig", ".att", ".sbom")) {
      assertThat(Signatures.subjectOfTag(Tag.of("sha256-" + hex + suffix))).contains(digest);
    }
    assertThat(Signatures.subjectOfTag(Tag.of("sha256-" + hex))).isEmpty();
    assertThat(Signatures.subjectOfTag(Tag.of("sha256-abc.sig"))).isEmpty();
    assertThat(Signatures.subjectOfTag(Tag.of("v1.sig"))).isEmpty();
    assertThat(Signatures.signatureTag(digest)).contains(Tag.of("sha256-" + hex + ".sig"));
    assertThat(Signatures.signatureTag(Digest.parse("sha512:" + "ab".repeat(64)))).isEmpty();
  }

  @Test
  void twoRulesReadingTheSameDocumentTwiceAreEqualAndKeepTheRevision() throws PolicyException {
    SignatureRule a =
        new SignatureRule(
            List.of(release),
            IndexSignatures.SELF,
            List.of("key release.pub sha256:1"),
            Optional.empty());
    SignatureRule b =
        new SignatureRule(
            List.of(TestSignatureVerifier.key("release.pub")),
            IndexSignatures.SELF,
            List.of("key release.pub sha256:1"),
            Optional.empty());
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(
            PolicySet.of(
                    List.of(
                        PolicyDocument.of(
                            "d", List.of(signed("s", RuleMatch.ALL, a)), List.of(), Map.of())))
                .revision())
        .isEqualTo(
            PolicySet.of(
                    List.of(
                        PolicyDocument.of(
                            "d", List.of(signed("s", RuleMatch.ALL, b)), List.of(), Map.of())))
                .revision());
  }

  /** Counts every read of the facts. */
  private static final class CountingContext implements PolicyContext {
    private final PolicyContext delegate;
    final AtomicInteger calls = new AtomicInteger();

    CountingContext(PolicyContext delegate) {
      this.delegate = delegate;
    }

    @Override
    public RepositoryName repository() {
      return delegate.repository();
    }

    @Override
    public Optional<RawManifest> manifest(Digest digest) throws IOException {
      calls.incrementAndGet();
      return delegate.manifest(digest);
    }

    @Override
    public Optional<Digest> resolve(Tag tag) throws IOException {
      calls.incrementAndGet();
      return delegate.resolve(tag);
    }

    @Override
    public List<Tag> tagsOf(Digest digest) throws IOException {
      calls.incrementAndGet();
      return delegate.tagsOf(digest);
    }

    @Override
    public List<Descriptor> referrers(Digest subject, Optional<MediaType> artifactType)
        throws IOException {
      calls.incrementAndGet();
      return delegate.referrers(subject, artifactType);
    }

    @Override
    public InputStream openBlob(Digest digest) throws IOException {
      calls.incrementAndGet();
      return delegate.openBlob(digest);
    }
  }
}
