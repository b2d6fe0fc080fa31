package io.wharf.oci.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.Severity;
import io.wharf.oci.policy.vuln.Vulnerability;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PolicySetPullTest {

  static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");
  static final RawManifest IMAGE =
      InMemoryFacts.fixture("ociv1.manifest.json", MediaType.OCI_IMAGE_MANIFEST);
  static final RawManifest INDEX =
      InMemoryFacts.fixture("ociv1.image.index.json", MediaType.OCI_IMAGE_INDEX);
  static final RawManifest DOCKER_LIST =
      InMemoryFacts.fixture("schema2list.json", MediaType.DOCKER_MANIFEST_LIST);
  static final RawManifest DOCKER_IMAGE =
      InMemoryFacts.fixture("v2s2.manifest.json", MediaType.DOCKER_MANIFEST_V2);
  static final Digest PPC64LE =
      Digest.parse("sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f");
  static final Digest AMD64 =
      Digest.parse("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");

  static final Vulnerability XZ =
      finding("CVE-2024-3094", "xz-utils", "5.6.0", "5.6.1", Severity.CRITICAL);
  static final Vulnerability OPENSSL =
      finding("CVE-2024-0001", "libssl3", "3.0.1", null, Severity.HIGH);
  static final Vulnerability ZLIB =
      finding("CVE-2022-37434", "zlib", "1.2.12", "1.2.12-r2", Severity.MEDIUM);

  static Vulnerability finding(
      String id, String pkg, String installed, String fixed, Severity severity) {
    return new Vulnerability(
        id, pkg, installed, Optional.ofNullable(fixed), severity, Optional.empty(), List.of());
  }

  static VulnerabilityReport report(Vulnerability... findings) {
    return report(Optional.of(NOW.minusSeconds(3600)), findings);
  }

  static VulnerabilityReport report(Optional<Instant> generatedAt, Vulnerability... findings) {
    return new VulnerabilityReport(
        ReportFormat.TRIVY, Optional.of("Trivy 0.50.1"), generatedAt, List.of(findings), List.of());
  }

  static PolicySet policy(String yaml) {
    try {
      return PolicySet.of(List.of(new PolicyLoader().load("test.yaml", "version: 1\n" + yaml)));
    } catch (PolicyException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static final PolicySet HIGH_GATE =
      policy("rules:\n  - name: no-high\n    vulnerabilities: {severity: HIGH}\n");

  private final InMemoryFacts facts = new InMemoryFacts("team-a/app");

  private Decision pull(PolicySet policy, RawManifest manifest, String tag) throws IOException {
    return policy.pull(
        facts.repository(), Optional.ofNullable(tag).map(Tag::of), manifest, facts, facts, NOW);
  }

  @Test
  void withoutRulesEverythingIsAllowedAndNothingRead() throws IOException {
    assertThat(pull(PolicySet.empty(), IMAGE, "v1")).isSameAs(Decision.allow());
    assertThat(pull(policy("rules: []\n"), IMAGE, null)).isSameAs(Decision.allow());
    assertThat(facts.reads).hasValue(0);
  }

  @Test
  void whenNoRuleMatchesNothingIsRead() throws IOException {
    PolicySet policy =
        policy(
            "rules:\n  - name: other\n    match: {projects: [team-b]}\n"
                + "    vulnerabilities: {severity: LOW}\n");
    assertThat(pull(policy, IMAGE, "v1")).isSameAs(Decision.allow());
    assertThat(pull(policy, IMAGE, null)).isSameAs(Decision.allow());
    assertThat(facts.reads).hasValue(0);
  }

  @Test
  void aFindingAtOrAboveTheSeverityDeniesInWordsAUserCanActOn() throws IOException {
    facts.put(IMAGE, "v1").report(IMAGE.digest(), report(XZ, OPENSSL, ZLIB));

    Decision decision = pull(HIGH_GATE, IMAGE, "v1");

    assertThat(decision.denied()).isTrue();
    assertThat(decision.scanRequested()).isFalse();
    assertThat(decision.reasons())
        .containsExactly(
            new Reason(
                "no-high",
                "CVE-2024-3094 (CRITICAL) in xz-utils 5.6.0, fixed in 5.6.1; allowlist it or push"
                    + " a fixed image"),
            new Reason(
                "no-high",
                "CVE-2024-0001 (HIGH) in libssl3 3.0.1, no fix yet; allowlist it or remove the"
                    + " package"));
  }

  @Test
  void findingsBelowTheSeverityAreAllowed() throws IOException {
    facts.put(IMAGE).report(IMAGE.digest(), report(ZLIB));
    assertThat(pull(HIGH_GATE, IMAGE, null).allowed()).isTrue();
    facts.report(IMAGE.digest(), report());
    assertThat(pull(HIGH_GATE, IMAGE, null).allowed()).isTrue();
  }

  @Test
  void fixableOnlyCountsOnlyFindingsWithAFix() throws IOException {
    facts.put(IMAGE).report(IMAGE.digest(), report(OPENSSL, ZLIB));
    PolicySet policy =
        policy(
            "rules:\n  - name: fixable\n"
                + "    vulnerabilities: {severity: MEDIUM, fixableOnly: true}\n");
    assertThat(pull(policy, IMAGE, null).messages())
        .containsExactly(
            "CVE-2022-37434 (MEDIUM) in zlib 1.2.12, fixed in 1.2.12-r2; allowlist it or push a"
                + " fixed image");
  }

  @Test
  void allowlistsOfTheRuleTheProjectAndTheSystemEachLetAFindingThrough() throws IOException {
    facts.put(IMAGE).report(IMAGE.digest(), report(XZ, OPENSSL, ZLIB));
    PolicySet policy =
        policy(
            String.join(
                "\n",
                "rules:",
                "  - name: gate",
                "    vulnerabilities:",
                "      severity: LOW",
                "      allowlist: [{id: cve-2024-3094}]",
                "allowlist: [{id: CVE-2022-37434}]",
                "projects:",
                "  team-a: {allowlist: [{id: CVE-2024-0001, expires: 2026-06-15}]}",
                "  team-b: {allowlist: [{id: CVE-2024-3094}]}",
                ""));
    assertThat(pull(policy, IMAGE, null)).isEqualTo(Decision.allow());

    InMemoryFacts other = new InMemoryFacts("team-b/app");
    other.put(IMAGE).report(IMAGE.digest(), report(XZ, OPENSSL, ZLIB));
    assertThat(
            policy.pull(other.repository(), Optional.empty(), IMAGE, other, other, NOW).messages())
        .containsExactly(
            "CVE-2024-0001 (HIGH) in libssl3 3.0.1, no fix yet; allowlist it or remove the"
                + " package");
  }

  @Test
  void anExpiredAllowlistEntryNoLongerCountsAndTheReasonSaysSo() throws IOException {
    facts.put(IMAGE).report(IMAGE.digest(), report(XZ, OPENSSL));
    PolicySet policy =
        policy(
            String.join(
                "\n",
                "rules:",
                "  - name: no-critical",
                "    vulnerabilities:",
                "      severity: HIGH",
                "      allowlist:",
                "        - {id: CVE-2024-3094, expires: 2026-01-31, reason: not reachable}",
                "projects:",
                "  team-a:",
                "    allowlist: [{id: CVE-2024-0001, expires: '2026-06-15T11:59:59Z'}]",
                ""));
    assertThat(pull(policy, IMAGE, "v1").messages())
        .containsExactly(
            "CVE-2024-3094 (CRITICAL) in xz-utils 5.6.0, fixed in 5.6.1; allowlist entry for"
                + " CVE-2024-3094 (not reachable) expired on 2026-01-31; renew it or push a fixed"
                + " image",
            "CVE-2024-0001 (HIGH) in libssl3 3.0.1, no fix yet; allowlist entry for CVE-2024-0001"
                + " expired on 2026-06-15; renew it or remove the package");
    Decision lastDay =
        policy.pull(
            facts.repository(),
            Optional.empty(),
            IMAGE,
            facts,
            facts,
            Instant.parse("2026-01-31T23:59:59Z"));
    assertThat(lastDay)
        .as("an entry counts through the end of its day")
        .isEqualTo(Decision.allow());
  }

  @Test
  void aLongListIsCappedAtTheTenWorstThenCounted() throws IOException {
    List<Vulnerability> many = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      many.add(finding(String.format("CVE-2024-%04d", i), "pkg" + i, "1", "2", Severity.HIGH));
    }
    many.add(XZ);
    many.add(XZ); // reported twice (two targets of one scan): counted once
    facts.put(IMAGE).report(IMAGE.digest(), report(many.toArray(Vulnerability[]::new)));

    List<String> messages = pull(HIGH_GATE, IMAGE, null).messages();

    assertThat(messages).hasSize(11);
    assertThat(messages.get(0)).startsWith("CVE-2024-3094 (CRITICAL)");
    assertThat(messages.get(1)).startsWith("CVE-2024-0000 (HIGH)");
    assertThat(messages.get(10)).isEqualTo("and 5 more findings at or above HIGH");
  }

  @Test
  void withoutAReportTheRuleDeniesAllowsOrAsksForAScan() throws IOException {
    facts.put(IMAGE, "v1");
    assertThat(pull(HIGH_GATE, IMAGE, "v1").reasons())
        .containsExactly(
            new Reason(
                "no-high",
                "no vulnerability report; rule no-high requires one: scan the image and attach its"
                    + " report"));
    PolicySet allow =
        policy(
            "rules:\n  - name: lenient\n"
                + "    vulnerabilities: {severity: HIGH, missingReport: allow}\n");
    assertThat(pull(allow, IMAGE, "v1")).isEqualTo(Decision.allow());
    PolicySet scan =
        policy(
            "rules:\n  - name: scanning\n"
                + "    vulnerabilities: {severity: HIGH, missingReport: scan}\n");
    assertThat(pull(scan, IMAGE, "v1")).isEqualTo(Decision.allowAndScan());
  }

  @Test
  void aReportOlderThanMaxReportAgeIsAsMissing() throws IOException {
    PolicySet policy =
        policy(
            "rules:\n  - name: fresh\n"
                + "    vulnerabilities: {severity: HIGH, maxReportAge: 7d}\n");
    facts.put(IMAGE).report(IMAGE.digest(), report(Optional.of(NOW.minusSeconds(8 * 86_400))));
    assertThat(pull(policy, IMAGE, null).messages())
        .containsExactly(
            "the vulnerability report is from 2026-06-07T12:00:00Z, older than the 7d rule fresh"
                + " accepts: scan the image again");
    facts.report(IMAGE.digest(), report(Optional.of(NOW.minusSeconds(6 * 86_400)), XZ));
    assertThat(pull(policy, IMAGE, null).messages())
        .singleElement()
        .asString()
        .startsWith("CVE-2024-3094");
  }

  @Test
  void withoutAScanTimeTheReferrersCreatedAnnotationDatesTheReport() throws IOException {
    PolicySet policy =
        policy(
            "rules:\n  - name: fresh\n"
                + "    vulnerabilities: {severity: HIGH, maxReportAge: 12h, missingReport: scan}\n");
    facts.put(IMAGE).report(IMAGE.digest(), report(Optional.empty()));
    assertThat(pull(policy, IMAGE, null)).isEqualTo(Decision.allowAndScan());

    Descriptor referrer =
        Descriptor.of(MediaType.OCI_IMAGE_MANIFEST, Bytes.utf8("{}"))
            .withArtifactType(ReportFormat.TRIVY.mediaType());
    facts.referrer(
        IMAGE.digest(),
        referrer.withAnnotations(Map.of(PullJudge.CREATED, "2026-06-15T01:00:00Z")));
    facts.referrer(
        IMAGE.digest(),
        referrer.withAnnotations(Map.of(PullJudge.CREATED, "2026-06-14T01:00:00+02:00")));
    assertThat(pull(policy, IMAGE, null)).isEqualTo(Decision.allow());

    PolicySet strict =
        policy(
            "rules:\n  - name: fresh\n"
                + "    vulnerabilities: {severity: HIGH, maxReportAge: 1h}\n");
    assertThat(pull(strict, IMAGE, null).messages())
        .containsExactly(
            "the vulnerability report is from 2026-06-15T01:00:00Z, older than the 1h rule fresh"
                + " accepts: scan the image again");
    facts.report(IMAGE.digest(), report(Optional.empty(), XZ));
    InMemoryFacts undated = new InMemoryFacts("team-a/app");
    undated.put(IMAGE).report(IMAGE.digest(), report(Optional.empty()));
    assertThat(
            strict
                .pull(undated.repository(), Optional.empty(), IMAGE, undated, undated, NOW)
                .messages())
        .containsExactly(
            "the vulnerability report does not say when the scan ran, and rule fresh accepts"
                + " reports at most 1h old: scan the image again");
  }

  @Test
  void anIndexIsJudgedByItsChildrenNamedByPlatform() throws IOException {
    facts
        .put(INDEX, "v1")
        .putAs(PPC64LE, IMAGE)
        .putAs(AMD64, IMAGE)
        .report(PPC64LE, report(OPENSSL))
        .report(AMD64, report(XZ))
        .report(INDEX.digest(), report());
    assertThat(pull(HIGH_GATE, INDEX, "v1").messages())
        .containsExactly(
            "linux/ppc64le: CVE-2024-0001 (HIGH) in libssl3 3.0.1, no fix yet; allowlist it or"
                + " remove the package",
            "linux/amd64: CVE-2024-3094 (CRITICAL) in xz-utils 5.6.0, fixed in 5.6.1; allowlist"
                + " it or push a fixed image");
  }

  @Test
  void aChildMissingFromTheRepositoryIsAReasonNotAnException() throws IOException {
    facts.put(INDEX, "v1").putAs(AMD64, IMAGE).report(AMD64, report());
    assertThat(pull(HIGH_GATE, INDEX, "v1").messages())
        .containsExactly(
            "linux/ppc64le: manifest "
                + PPC64LE
                + " listed by the index is not in the repository; push it");
  }

  @Test
  void aDockerManifestListIsJudgedByItsChildrenToo() throws IOException {
    facts.put(DOCKER_LIST);
    List<Descriptor> children = ((io.wharf.oci.model.ImageIndex) DOCKER_LIST.parse()).manifests();
    for (Descriptor child : children) {
      facts.putAs(child.digest(), DOCKER_IMAGE).report(child.digest(), report());
    }
    facts.report(children.get(3).digest(), report(XZ));
    assertThat(pull(HIGH_GATE, DOCKER_LIST, null).messages())
        .containsExactly(
            "linux/arm64/v8: CVE-2024-3094 (CRITICAL) in xz-utils 5.6.0, fixed in 5.6.1;"
                + " allowlist it or push a fixed image");
  }

  @Test
  void attestationsAreSkippedAndFanOutIsBounded() throws IOException {
    RawManifest withAttestation =
        index(
            List.of(
                IMAGE.descriptor().withPlatform(Platform.of("linux", "amd64")),
                DOCKER_IMAGE
                    .descriptor()
                    .withPlatform(Platform.of("unknown", "unknown"))
                    .withAnnotations(Map.of("vnd.docker.reference.type", "attestation-manifest"))));
    facts.put(withAttestation).put(IMAGE).put(DOCKER_IMAGE).report(IMAGE.digest(), report());
    assertThat(pull(HIGH_GATE, withAttestation, null)).isEqualTo(Decision.allow());

    List<Descriptor> many =
        IntStream.range(0, IndexImages.MAX_CHILDREN + 1)
            .mapToObj(i -> IMAGE.descriptor().withPlatform(Platform.of("linux", "arch" + i)))
            .toList();
    RawManifest wide = index(many);
    facts.put(wide);
    assertThat(pull(HIGH_GATE, wide, null).messages())
        .containsExactly(
            "the index lists more than 64 manifests to judge; split it into smaller indexes");
  }

  static RawManifest index(List<Descriptor> children) {
    String manifests =
        children.stream()
            .map(
                d ->
                    "{\"mediaType\":\""
                        + d.mediaType()
                        + "\",\"digest\":\""
                        + d.digest()
                        + "\",\"size\":"
                        + d.size()
                        + d.platform()
                            .map(
                                p ->
                                    ",\"platform\":{\"os\":\""
                                        + p.os()
                                        + "\",\"architecture\":\""
                                        + p.architecture()
                                        + "\"}")
                            .orElse("")
                        + (d.annotations().isEmpty()
                            ? ""
                            : ",\"annotations\":{"
                                + d.annotations().entrySet().stream()
                                    .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                                    .collect(Collectors.joining(","))
                                + "}")
                        + "}")
            .collect(Collectors.joining(","));
    return RawManifest.of(
        MediaType.OCI_IMAGE_INDEX,
        Bytes.utf8(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":["
                + manifests
                + "]}"));
  }

  @Test
  void tagPatternsJudgeAPullByTagByThatTag() throws IOException {
    PolicySet releases =
        policy(
            "rules:\n  - name: releases\n    match: {tags: [\"v*\"]}\n"
                + "    vulnerabilities: {severity: HIGH}\n");
    facts.put(IMAGE, "v1", "dev").report(IMAGE.digest(), report(XZ));
    assertThat(pull(releases, IMAGE, "v1").denied()).isTrue();
    assertThat(pull(releases, IMAGE, "dev")).isEqualTo(Decision.allow());
  }

  @Test
  void aPullByDigestIsJudgedByItsTagsAndAnUntaggedDigestByEveryTagRule() throws IOException {
    PolicySet releases =
        policy(
            "rules:\n  - name: releases\n    match: {tags: [\"v*\"]}\n"
                + "    vulnerabilities: {severity: HIGH}\n");
    facts.put(IMAGE).report(IMAGE.digest(), report(XZ));
    assertThat(pull(releases, IMAGE, null).denied()).as("untagged: the rule applies").isTrue();
    facts.tag("dev", IMAGE.digest());
    assertThat(pull(releases, IMAGE, null)).as("tagged dev only").isEqualTo(Decision.allow());
    facts.tag("v2", IMAGE.digest());
    assertThat(pull(releases, IMAGE, null).denied()).as("tagged v2 too").isTrue();
  }

  @Test
  void projectAndRepositoryPatternsScopeRules() throws IOException {
    PolicySet policy =
        policy(
            String.join(
                "\n",
                "rules:",
                "  - name: team-a-only",
                "    match: {projects: [\"team-?\"], repositories: [\"**/app\"]}",
                "    vulnerabilities: {severity: LOW}",
                ""));
    facts.put(IMAGE).report(IMAGE.digest(), report(ZLIB));
    assertThat(pull(policy, IMAGE, null).denied()).isTrue();
    for (String repo : List.of("team-ab/app", "team-a/app2", "other/team-a/app")) {
      InMemoryFacts other = new InMemoryFacts(repo);
      other.put(IMAGE).report(IMAGE.digest(), report(ZLIB));
      assertThat(policy.pull(RepositoryName.of(repo), Optional.empty(), IMAGE, other, other, NOW))
          .as(repo)
          .isEqualTo(Decision.allow());
    }
  }

  @Test
  void everyMatchingRuleAppliesAndAReasonIsGivenOnce() throws IOException {
    PolicySet policy =
        policy(
            String.join(
                "\n",
                "rules:",
                "  - name: first",
                "    vulnerabilities: {severity: CRITICAL}",
                "  - name: second",
                "    vulnerabilities: {severity: HIGH, missingReport: scan}",
                ""));
    facts.put(IMAGE).report(IMAGE.digest(), report(XZ, OPENSSL));
    Decision decision = pull(policy, IMAGE, null);
    assertThat(decision.reasons())
        .extracting(Reason::rule, r -> r.message().substring(0, 13))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("first", "CVE-2024-3094"),
            org.assertj.core.groups.Tuple.tuple("second", "CVE-2024-0001"));
  }

  @Test
  void reasonsStayOneLineWhateverAReportSays() throws IOException {
    facts
        .put(IMAGE)
        .report(
            IMAGE.digest(),
            report(finding("CVE-1\nINJECTED", "pkg\r\nx", "1\u2028", null, Severity.CRITICAL)));
    assertThat(pull(HIGH_GATE, IMAGE, null).messages())
        .containsExactly(
            "CVE-1 INJECTED (CRITICAL) in pkg  x 1 , no fix yet; allowlist it or remove the package");
  }

  @Test
  void factsThatFailToBeReadFailTheDecision() {
    InMemoryFacts broken =
        new InMemoryFacts("team-a/app") {
          @Override
          public List<Tag> tagsOf(Digest digest) throws IOException {
            throw new IOException("disk gone");
          }
        };
    PolicySet releases =
        policy(
            "rules:\n  - name: releases\n    match: {tags: [\"v*\"]}\n"
                + "    vulnerabilities: {severity: HIGH}\n");
    assertThatThrownBy(
            () ->
                releases.pull(
                    broken.repository(),
                    Optional.empty(),
                    IMAGE,
                    broken,
                    (c, d) -> {
                      throw new IOException("unreachable");
                    },
                    NOW))
        .isInstanceOf(IOException.class)
        .hasMessage("disk gone");
    assertThatThrownBy(
            () ->
                HIGH_GATE.pull(
                    facts.repository(),
                    Optional.empty(),
                    IMAGE,
                    facts,
                    (c, d) -> {
                      throw new IOException("report store down");
                    },
                    NOW))
        .isInstanceOf(IOException.class)
        .hasMessage("report store down");
  }
}
