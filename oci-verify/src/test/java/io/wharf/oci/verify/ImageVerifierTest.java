package io.wharf.oci.verify;

import static io.wharf.oci.verify.testing.TestRegistryContent.CLEAN_TRIVY;
import static io.wharf.oci.verify.testing.TestRegistryContent.CRITICAL_REASON;
import static io.wharf.oci.verify.testing.TestRegistryContent.CRITICAL_TRIVY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.Reason;
import io.wharf.oci.policy.testing.CosignTestSigner;
import io.wharf.oci.server.testing.RegistryExtension;
import io.wharf.oci.verify.testing.TestRegistryContent;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ImageVerifier} against an in-process Wharf registry: the policies judge what the registry
 * holds, by tag and by digest, an index by its children, under another registry's name.
 */
class ImageVerifierTest {

  private static final String POLICY =
      """
      version: 1
      rules:
        - name: no-critical
          match: {repositories: ["secure/**"]}
          vulnerabilities: {severity: CRITICAL, missingReport: deny}
        - name: releases-scanned
          match: {repositories: ["tagged/**"], tags: ["v*"]}
          vulnerabilities: {severity: CRITICAL, missingReport: deny}
      """;

  private final CountingRegistry registry = new CountingRegistry();

  @RegisterExtension final RegistryExtension server = RegistryExtension.of(() -> registry);

  private RegistryClient client;
  private TestRegistryContent content;
  private ImageVerifier verifier;

  @BeforeEach
  void start(URI uri) throws Exception {
    client = RegistryClient.builder().build();
    content = TestRegistryContent.at(client, new RegistryHost(uri.getAuthority()));
    verifier = ImageVerifier.builder(client).policies(policies(POLICY)).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
  }

  static PolicySet policies(String yaml) throws Exception {
    return PolicySet.of(List.of(new PolicyLoader().load("policy.yaml", yaml)));
  }

  private static List<String> messages(Verdict verdict) {
    return verdict.reasons().stream().map(Reason::message).toList();
  }

  @Test
  void aCleanReportIsAllowedACriticalFindingDeniedWithTheReason() throws Exception {
    RawManifest clean = content.image("secure/app", "v1", 1);
    content.attachTrivy("secure/app", clean, CLEAN_TRIVY);
    RawManifest bad = content.image("secure/app", "v2", 2);
    content.attachTrivy("secure/app", bad, CRITICAL_TRIVY);

    Verdict allowed = verifier.verify(content.reference("secure/app", "v1"));
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.digest()).isEqualTo(clean.digest());
    assertThat(allowed.mediaType()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
    assertThat(allowed.pinned().digest()).contains(clean.digest());

    Verdict denied = verifier.verify(content.reference("secure/app", "v2"));
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.digest()).isEqualTo(bad.digest());
    assertThat(denied.reasons()).extracting(Reason::rule).containsOnly("no-critical");
    assertThat(messages(denied)).anySatisfy(m -> assertThat(m).startsWith(CRITICAL_REASON));
  }

  @Test
  void anImageWithoutAReportIsDeniedAsItsRuleSaysAndOneNoRuleMatchesIsAllowed() throws Exception {
    content.image("secure/app", "v1", 3);
    content.image("open/app", "v1", 3);

    Verdict denied = verifier.verify(content.host() + "/secure/app:v1");
    assertThat(denied.allowed()).isFalse();
    assertThat(messages(denied))
        .containsExactly(
            "no vulnerability report; rule no-critical requires one: scan the image and attach"
                + " its report");
    assertThat(verifier.verify(content.host() + "/open/app:v1").allowed()).isTrue();
  }

  @Test
  void aDigestReferenceIsJudgedByTheTagsThatPointAtItNotByTheTagWritten() throws Exception {
    RawManifest release = content.image("tagged/app", "v1", 4);
    RawManifest dev = content.image("tagged/app", "dev", 5);

    assertThat(verifier.verify(content.reference("tagged/app", "v1")).allowed()).isFalse();
    assertThat(verifier.verify(content.reference("tagged/app", "dev")).allowed()).isTrue();
    // By digest: v1 points at release, so the releases rule applies, whatever tag is written.
    Reference releaseAsDev = content.reference("tagged/app", "dev").withDigest(release.digest());
    Verdict byDigest = verifier.verify(releaseAsDev);
    assertThat(byDigest.allowed()).isFalse();
    assertThat(byDigest.digest()).isEqualTo(release.digest());
    assertThat(byDigest.reference()).isEqualTo(releaseAsDev);
    // Only dev points at dev: the rule does not apply.
    assertThat(verifier.verify(content.reference("tagged/app", "v1").withDigest(dev.digest())))
        .extracting(Verdict::allowed)
        .isEqualTo(true);
  }

  @Test
  void anIndexIsJudgedByEachChildNamedByPlatform() throws Exception {
    RawManifest amd64 = content.image("secure/multi", null, 6);
    RawManifest arm64 = content.image("secure/multi", null, 7);
    content.attachTrivy("secure/multi", amd64, CLEAN_TRIVY);
    RawManifest index =
        content.index(
            "secure/multi",
            "v1",
            List.of(amd64, arm64),
            List.of(Platform.of("linux", "amd64"), Platform.of("linux", "arm64")));

    Verdict verdict = verifier.verify(content.reference("secure/multi", "v1"));
    assertThat(verdict.digest()).isEqualTo(index.digest());
    assertThat(verdict.mediaType()).isEqualTo(MediaType.OCI_IMAGE_INDEX);
    assertThat(messages(verdict))
        .singleElement()
        .satisfies(m -> assertThat(m).startsWith("linux/arm64: no vulnerability report"));

    content.attachTrivy("secure/multi", arm64, CLEAN_TRIVY);
    assertThat(verifier.verify(content.reference("secure/multi", "v1")).allowed()).isTrue();
  }

  @Test
  void anotherRegistrysImagesAreReadFromTheirAddressAndKeepTheirName() throws Exception {
    RawManifest image = content.image("secure/app", "v1", 8);
    content.attachTrivy("secure/app", image, CLEAN_TRIVY);
    RegistryHost ghcr = new RegistryHost("ghcr.io");
    ImageVerifier mapped =
        ImageVerifier.builder(client)
            .policies(policies(POLICY))
            .address(ghcr, content.host())
            .build();

    Verdict verdict = mapped.verify("ghcr.io/secure/app:v1");
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.reference().registry()).isEqualTo(ghcr);
    assertThat(verdict.digest()).isEqualTo(image.digest());
    assertThat(mapped.addressOf(ghcr)).isEqualTo(content.host());
    assertThat(mapped.addressOf(content.host())).isEqualTo(content.host());
  }

  @Test
  void theReportsOfTheReferrersTagSchemaCountWhereTheRegistryHasNoReferrersApi() throws Exception {
    registry.referrersApi = false;
    TestRegistryContent schema = content.withReferrersTagSchema();
    RawManifest image = schema.image("secure/app", "v1", 9);
    schema.attachTrivy("secure/app", image, CRITICAL_TRIVY);
    registry.seen.clear();

    Verdict verdict = verifier.verify(content.reference("secure/app", "v1"));
    assertThat(messages(verdict)).anySatisfy(m -> assertThat(m).startsWith(CRITICAL_REASON));
    assertThat(registry.count("GET", "/manifests/sha256-" + image.digest().encoded())).isEqualTo(1);
  }

  @Test
  void thePoliciesInForceAtEachVerificationJudgeAndTheClockDatesIt() throws Exception {
    RawManifest image = content.image("secure/app", "v1", 10);
    content.attachTrivy("secure/app", image, CRITICAL_TRIVY);
    Policies live = Policies.of(policies(POLICY));
    String allowlisted =
        POLICY + "allowlist:\n  - {id: CVE-2024-3094, expires: 2027-01-31, reason: unused}\n";
    ImageVerifier verifier =
        ImageVerifier.builder(client)
            .policies(live)
            .clock(Clock.fixed(Instant.parse("2027-02-01T00:00:00Z"), ZoneOffset.UTC))
            .build();
    Reference v1 = content.reference("secure/app", "v1");

    assertThat(verifier.verify(v1).allowed()).isFalse();
    live.replace(policies(allowlisted));
    Verdict expired = verifier.verify(v1);
    assertThat(messages(expired)).anySatisfy(m -> assertThat(m).contains("expired on 2027-01-31"));
    ImageVerifier before =
        ImageVerifier.builder(client)
            .policies(live)
            .clock(Clock.fixed(Instant.parse("2027-01-01T00:00:00Z"), ZoneOffset.UTC))
            .build();
    assertThat(before.verify(v1).allowed()).isTrue();
  }

  /**
   * A rule requiring a signature by {@code signer}'s key (inline, named cosign.pub) on {@code
   * signed/**}, with a {@code cosign} option ({@code requireReference: true}) and the rule's {@code
   * index} ({@code self}, {@code children}) when not empty.
   */
  private static PolicySet signedBy(CosignTestSigner signer, String cosignOption, String index)
      throws Exception {
    StringBuilder yaml =
        new StringBuilder(
            "version: 1\nrules:\n  - name: signed\n    match: {repositories: [\"signed/**\"]}\n"
                + "    signatures:\n"
                + "      cosign:\n        keys:\n          - name: cosign.pub\n"
                + "            pem: |\n");
    for (String line : signer.publicKeyPem().strip().split("\n")) {
      yaml.append("              ").append(line).append('\n');
    }
    if (!cosignOption.isEmpty()) {
      yaml.append("        ").append(cosignOption).append('\n');
    }
    if (!index.isEmpty()) {
      yaml.append("      index: ").append(index).append('\n');
    }
    return policies(yaml.toString());
  }

  @Test
  void aCosignSignatureAtItsSigTagOrAsAReferrerIsRequiredAndVerified() throws Exception {
    CosignTestSigner key = CosignTestSigner.generate();
    ImageVerifier signed = ImageVerifier.builder(client).policies(signedBy(key, "", "")).build();
    String name = content.host() + "/signed/app";
    RawManifest byTag = content.image("signed/app", "tagged", 20);
    content.cosignSign("signed/app", byTag, key, name, false);
    RawManifest byReferrer = content.image("signed/app", "referred", 21);
    content.cosignSign("signed/app", byReferrer, key, name, true);
    content.image("signed/app", "unsigned", 22);
    RawManifest otherKey = content.image("signed/app", "other-key", 23);
    content.cosignSign("signed/app", otherKey, CosignTestSigner.generate(), name, false);
    RawManifest elsewhere = content.image("signed/app", "elsewhere", 24);
    content.pushSignature(
        "signed/app", key.sign(name, elsewhere.descriptor(), byTag.digest()), false);

    assertThat(signed.verify(content.reference("signed/app", "tagged")).allowed()).isTrue();
    assertThat(signed.verify(content.reference("signed/app", "referred")).allowed()).isTrue();
    assertThat(messages(signed.verify(content.reference("signed/app", "unsigned"))))
        .containsExactly("no signature by key cosign.pub");
    assertThat(messages(signed.verify(content.reference("signed/app", "other-key"))))
        .singleElement()
        .satisfies(m -> assertThat(m).contains("cosign.pub"));
    assertThat(messages(signed.verify(content.reference("signed/app", "elsewhere"))))
        .singleElement()
        .satisfies(m -> assertThat(m).endsWith("signature does not match the manifest digest"));
  }

  @Test
  void theSignatureNamesTheRegistryAsClientsWriteItNotItsAddress() throws Exception {
    CosignTestSigner key = CosignTestSigner.generate();
    RawManifest image = content.image("signed/app", "v1", 25);
    content.cosignSign("signed/app", image, key, "ghcr.io/signed/app", false);
    PolicySet requiring = signedBy(key, "requireReference: true", "");
    ImageVerifier mapped =
        ImageVerifier.builder(client)
            .policies(requiring)
            .address(new RegistryHost("ghcr.io"), content.host())
            .build();
    ImageVerifier direct = ImageVerifier.builder(client).policies(requiring).build();

    assertThat(mapped.verify("ghcr.io/signed/app:v1").allowed()).isTrue();
    assertThat(messages(direct.verify(content.reference("signed/app", "v1"))))
        .singleElement()
        .satisfies(m -> assertThat(m).contains("the signature names ghcr.io/signed/app"));
  }

  @Test
  void anIndexIsJudgedBySignaturesOfEachChildWhenItsRuleSaysChildren() throws Exception {
    CosignTestSigner key = CosignTestSigner.generate();
    String name = content.host() + "/signed/multi";
    RawManifest amd64 = content.image("signed/multi", null, 26);
    RawManifest arm64 = content.image("signed/multi", null, 27);
    content.index(
        "signed/multi",
        "v1",
        List.of(amd64, arm64),
        List.of(Platform.of("linux", "amd64"), Platform.of("linux", "arm64")));
    content.cosignSign("signed/multi", amd64, key, name, false);
    ImageVerifier children =
        ImageVerifier.builder(client).policies(signedBy(key, "", "children")).build();

    assertThat(messages(children.verify(content.reference("signed/multi", "v1"))))
        .singleElement()
        .satisfies(m -> assertThat(m).startsWith("linux/arm64: ").contains("no signature"));
    content.cosignSign("signed/multi", arm64, key, name, true);
    assertThat(children.verify(content.reference("signed/multi", "v1")).allowed()).isTrue();
  }

  @Test
  void signatureReferrersCountThroughTheTagSchemaWithoutAReferrersApi() throws Exception {
    registry.referrersApi = false;
    CosignTestSigner key = CosignTestSigner.generate();
    TestRegistryContent schema = content.withReferrersTagSchema();
    RawManifest image = schema.image("signed/app", "v1", 28);
    schema.cosignSign("signed/app", image, key, content.host() + "/signed/app", true);

    ImageVerifier signed = ImageVerifier.builder(client).policies(signedBy(key, "", "")).build();
    assertThat(signed.verify(content.reference("signed/app", "v1")).allowed()).isTrue();
  }

  @Test
  void aMissingImageIsTheRegistrysNotFoundAndABadReferenceAnIllegalArgument() {
    assertThatThrownBy(() -> verifier.verify(content.reference("secure/app", "absent")))
        .isInstanceOfSatisfying(
            RegistryClientException.class, e -> assertThat(e.isNotFound()).isTrue());
    assertThatThrownBy(() -> verifier.verify("Not A Reference"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid image reference 'Not A Reference'");
    assertThatThrownBy(() -> ImageVerifier.builder(client).build())
        .isInstanceOf(IllegalStateException.class);
  }
}
