package io.wharf.oci.policy;

import static io.wharf.oci.policy.PolicySetPullTest.DOCKER_IMAGE;
import static io.wharf.oci.policy.PolicySetPullTest.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.vuln.Severity;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Immutability on push and delete, quotas, and how documents combine. */
class PolicySetTest {

  private static final PolicyLoader LOADER = new PolicyLoader();

  private static final PolicySet RELEASES =
      PolicySetPullTest.policy(
          String.join(
              "\n",
              "rules:",
              "  - name: release-tags",
              "    match: {repositories: [\"team-a/**\"], tags: [\"v*\"]}",
              "    immutable: true",
              "projects:",
              "  team-a: {quota: {bytes: 10GiB, artifacts: 1000}}",
              "  team-b: {quota: {artifacts: 5}}",
              ""));

  private final InMemoryFacts facts = new InMemoryFacts("team-a/app");
  private final RepositoryName repo = facts.repository();

  private static Set<Tag> tags(String... names) {
    return java.util.Arrays.stream(names).map(Tag::of).collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void movingAnImmutableTagIsDeniedNamingTheRule() throws IOException {
    facts.put(IMAGE, "v1", "latest");
    Decision decision = RELEASES.push(repo, tags("v1", "latest"), DOCKER_IMAGE, facts);
    assertThat(decision.reasons())
        .containsExactly(
            new Reason("release-tags", "tag v1 is immutable (rule release-tags); push a new tag"));
  }

  @Test
  void aNewTagTheSameManifestAgainAndUnmatchedTagsAreFine() throws IOException {
    facts.put(IMAGE, "v1", "latest");
    assertThat(RELEASES.push(repo, tags("v2"), DOCKER_IMAGE, facts)).isEqualTo(Decision.allow());
    assertThat(RELEASES.push(repo, tags("v1"), IMAGE, facts)).isEqualTo(Decision.allow());
    assertThat(RELEASES.push(repo, tags("latest"), DOCKER_IMAGE, facts))
        .isEqualTo(Decision.allow());
    assertThat(RELEASES.push(repo, Set.of(), DOCKER_IMAGE, facts)).isEqualTo(Decision.allow());
    InMemoryFacts other = new InMemoryFacts("team-b/app");
    other.put(IMAGE, "v1");
    assertThat(RELEASES.push(other.repository(), tags("v1"), DOCKER_IMAGE, other))
        .isEqualTo(Decision.allow());
  }

  @Test
  void deletingAnImmutableTagOrATaggedManifestIsDenied() throws IOException {
    facts.put(IMAGE, "v1", "v1.0", "latest");
    assertThat(RELEASES.delete(repo, tags("v1"), IMAGE.digest(), facts).messages())
        .containsExactly("tag v1 is immutable (rule release-tags); it cannot be deleted");
    assertThat(RELEASES.delete(repo, tags("latest"), IMAGE.digest(), facts))
        .as("deleting another tag of the same manifest")
        .isEqualTo(Decision.allow());
    assertThat(RELEASES.delete(repo, Set.of(), IMAGE.digest(), facts).messages())
        .containsExactly(
            "manifest "
                + IMAGE.digest()
                + " is tagged v1, which is immutable (rule release-tags); it cannot be deleted",
            "manifest "
                + IMAGE.digest()
                + " is tagged v1.0, which is immutable (rule release-tags); it cannot be deleted");
    assertThat(RELEASES.delete(repo, Set.of(), DOCKER_IMAGE.digest(), facts))
        .isEqualTo(Decision.allow());
  }

  @Test
  void withoutImmutableRulesPushAndDeleteReadNothing() throws IOException {
    PolicySet gatesOnly =
        PolicySetPullTest.policy("rules:\n  - name: g\n    vulnerabilities: {severity: HIGH}\n");
    assertThat(gatesOnly.push(repo, tags("v1"), IMAGE, facts)).isSameAs(Decision.allow());
    assertThat(gatesOnly.delete(repo, Set.of(), IMAGE.digest(), facts)).isSameAs(Decision.allow());
    assertThat(facts.reads).hasValue(0);
  }

  @Test
  void immutableQuotaAndRuleNamesAnswerFromThePolicy() {
    assertThat(RELEASES.immutable(repo, Tag.of("v3"))).isTrue();
    assertThat(RELEASES.immutable(repo, Tag.of("latest"))).isFalse();
    assertThat(RELEASES.immutable(RepositoryName.of("team-b/x"), Tag.of("v3"))).isFalse();
    assertThat(RELEASES.quota("team-a"))
        .contains(new QuotaLimit(OptionalLong.of(10L << 30), OptionalLong.of(1000)));
    assertThat(RELEASES.quota("team-b")).contains(QuotaLimit.ofArtifacts(5));
    assertThat(RELEASES.quota("team-c")).isEmpty();
    assertThat(RELEASES.ruleNames()).containsExactly("release-tags");
    assertThat(PolicySet.empty().ruleNames()).isEmpty();
    assertThat(PolicySet.empty().revision()).isZero();
  }

  @Test
  void documentsCombineInOrder() throws Exception {
    PolicyDocument first =
        LOADER.load(
            "a.yaml",
            "version: 1\nrules:\n  - {name: one, immutable: true}\nallowlist: [{id: CVE-1}]\n"
                + "projects: {team-a: {quota: {artifacts: 1}}}\n");
    PolicyDocument second =
        LOADER.load(
            "b.yaml",
            "version: 1\nrules:\n  - {name: two, vulnerabilities: {severity: LOW}}\n"
                + "projects: {team-b: {quota: {artifacts: 2}}}\n");
    PolicySet set = PolicySet.of(List.of(first, second));
    assertThat(set.ruleNames()).containsExactly("one", "two");
    assertThat(set.quota("team-a")).contains(QuotaLimit.ofArtifacts(1));
    assertThat(set.quota("team-b")).contains(QuotaLimit.ofArtifacts(2));
    assertThat(set.documents()).containsExactly(first, second);
    assertThat(PolicySet.of(7, List.of(first)).revision()).isEqualTo(7);
  }

  @Test
  void aRuleNameOrAProjectTwiceAcrossDocumentsIsAnErrorWithItsLine() throws Exception {
    PolicyDocument first =
        LOADER.load(
            "a.yaml",
            "version: 1\nrules:\n  - name: one\n    immutable: true\n"
                + "projects:\n  team-a: {quota: {artifacts: 1}}\n");
    PolicyDocument second =
        LOADER.load(
            "b.yaml",
            "version: 1\nrules:\n  - name: two\n    immutable: true\n  - name: one\n"
                + "    immutable: true\nprojects:\n  team-a: {quota: {artifacts: 2}}\n");
    assertThatThrownBy(() -> PolicySet.of(List.of(first, second)))
        .isInstanceOf(PolicyException.class)
        .hasMessage(
            "b.yaml:5:11: rules[1].name: rule name 'one' is already used in a.yaml:3\n"
                + "b.yaml:8:3: projects.team-a: project team-a is already configured in a.yaml:6");
  }

  @Test
  void theRevisionIsAContentHash() throws Exception {
    String text = "version: 1\nrules:\n  - {name: one, immutable: true}\n";
    PolicySet a = PolicySet.of(List.of(LOADER.load("p.yaml", text)));
    PolicySet b = PolicySet.of(List.of(LOADER.load("p.yaml", text)));
    PolicySet c = PolicySet.of(List.of(LOADER.load("p.yaml", text.replace("one", "two"))));
    assertThat(a.revision()).isEqualTo(b.revision()).isNotEqualTo(c.revision());
  }

  @Test
  void documentsCanBeBuiltInCode() throws Exception {
    Rule gate =
        new Rule(
            "code-gate",
            new RuleMatch(List.of(Glob.compile("team-*")), List.of(), List.of()),
            Optional.of(VulnerabilityRule.atOrAbove(Severity.CRITICAL)),
            false);
    PolicyDocument document =
        PolicyDocument.of(
            "code",
            List.of(gate),
            List.of(AllowlistEntry.of("CVE-1")),
            Map.of("team-a", new ProjectSettings(List.of(), Optional.of(QuotaLimit.ofBytes(1)))));
    assertThat(PolicySet.of(List.of(document)).ruleNames()).containsExactly("code-gate");
    assertThatThrownBy(() -> PolicyDocument.of("code", List.of(gate, gate), List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate rule name");
    assertThatThrownBy(() -> new Rule("x", RuleMatch.ALL, Optional.empty(), false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                PolicyDocument.of(
                    "code",
                    List.of(),
                    List.of(),
                    Map.of("Bad", new ProjectSettings(List.of(), Optional.empty()))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
