package io.wharf.oci.policy;

import static io.wharf.oci.policy.PolicyLoaderTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.retention.RepositorySelector;
import io.wharf.oci.policy.retention.RetentionCandidate;
import io.wharf.oci.policy.retention.RetentionDecision;
import io.wharf.oci.policy.retention.RetentionPlan;
import io.wharf.oci.policy.retention.RetentionPolicy;
import io.wharf.oci.policy.retention.RetentionRule;
import io.wharf.oci.policy.retention.RetentionTemplate;
import io.wharf.oci.policy.retention.TagSelector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code projects: NAME: retention:} section: POLICY.md's example, and every error. */
class PolicyLoaderRetentionTest {

  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

  private final PolicyLoader loader = new PolicyLoader();
  private final List<RetentionCandidate> candidates = new ArrayList<>();

  private List<String> errors(String text) {
    try {
      loader.load("policy.yaml", text);
    } catch (PolicyException e) {
      return e.errors().stream().map(PolicyError::toString).toList();
    }
    throw new AssertionError("loaded: " + text);
  }

  /** A document whose project {@code lib} has the retention rules of {@code rules} (YAML lines). */
  private static String retention(String... rules) {
    return "version: 1\nprojects:\n  lib:\n    retention:\n      rules:\n"
        + String.join("", Arrays.stream(rules).map(r -> r + "\n").toList());
  }

  private static List<Glob> globs(String... patterns) {
    return Arrays.stream(patterns).map(Glob::compile).toList();
  }

  @Test
  void theExampleLoads() throws Exception {
    PolicyDocument document = loader.load("retention.yaml", resource("retention.yaml"));

    RetentionPolicy library = document.projects().get("library").retention().orElseThrow();
    assertThat(library.rules())
        .containsExactly(
            RetentionRule.of("keep-recent", RetentionTemplate.mostRecentlyPushed(10)),
            new RetentionRule(
                "keep-in-use",
                new RepositorySelector(globs("**"), globs("scratch/**")),
                new TagSelector(List.of(), List.of(), false),
                RetentionTemplate.pulledWithinDays(30)),
            new RetentionRule(
                "keep-candidates",
                new RepositorySelector(globs("app"), List.of()),
                new TagSelector(globs("*-rc*"), globs("*-rc0"), false),
                RetentionTemplate.pushedWithinDays(90)),
            new RetentionRule(
                "stable-bases",
                new RepositorySelector(globs("base-*"), List.of()),
                new TagSelector(globs("stable", "lts-*"), List.of(), false),
                RetentionTemplate.always()));
    assertThat(document.projects().get("team-a").retention().orElseThrow().rules())
        .containsExactly(
            RetentionRule.of("recently-pulled", RetentionTemplate.mostRecentlyPulled(5)));
  }

  @Test
  void theJsonTwinLoadsToTheSamePolicy() throws Exception {
    assertThat(loader.load("retention", resource("retention.json")))
        .isEqualTo(loader.load("retention", resource("retention.yaml")));
  }

  @Test
  void policyMdShowsTheExampleTheTestsLoad() throws IOException {
    String doc = Files.readString(Path.of("POLICY.md"));
    assertThat(doc).contains("```yaml\n" + resource("retention.yaml") + "```");
  }

  private RetentionCandidate add(
      String repository, long pushedDaysAgo, Optional<Duration> pulledAgo, String... tags) {
    RetentionCandidate candidate =
        new RetentionCandidate(
            RepositoryName.of(repository),
            Digest.parse("sha256:" + String.format("%064x", candidates.size() + 1)),
            Arrays.stream(tags).map(Tag::of).toList(),
            NOW.minus(Duration.ofDays(pushedDaysAgo)),
            pulledAgo.map(NOW::minus));
    candidates.add(candidate);
    return candidate;
  }

  private static String summary(RetentionPlan plan, RetentionCandidate candidate) {
    RetentionDecision decision =
        plan.decision(candidate.repository(), candidate.digest()).orElseThrow();
    return (decision.retained() ? "retained: " : "deleted: ") + decision.summary();
  }

  @Test
  void theExampleDecides_immutableTagsIncluded() throws Exception {
    PolicySet set =
        PolicySet.of(List.of(loader.load("retention.yaml", resource("retention.yaml"))));
    for (int i = 1; i <= 10; i++) {
      add("library/app", i, Optional.empty());
    }
    RetentionCandidate eleventh = add("library/app", 11, Optional.empty());
    RetentionCandidate release = add("library/app", 400, Optional.empty(), "v1.0");
    RetentionCandidate candidate = add("library/app", 60, Optional.empty(), "2.0-rc1");
    RetentionCandidate rc0 = add("library/app", 60, Optional.empty(), "2.0-rc0");
    RetentionCandidate inUse = add("library/app", 300, Optional.of(Duration.ofDays(3)), "old");
    for (int i = 1; i <= 10; i++) {
      add("library/scratch/tmp", i, Optional.empty(), "n" + i);
    }
    RetentionCandidate scratch =
        add("library/scratch/tmp", 100, Optional.of(Duration.ofDays(1)), "x");
    RetentionCandidate stable = add("library/base-debian", 900, Optional.empty(), "stable");

    RetentionPlan plan = set.retain("library", candidates, NOW);

    assertThat(plan.deleted())
        .extracting(RetentionDecision::candidate)
        .containsExactly(eleventh, rc0, scratch);
    assertThat(List.of(eleventh, release, candidate, inUse, scratch, stable))
        .extracting(c -> summary(plan, c))
        .containsExactly(
            "deleted: no rule retains it: rule keep-recent: the 11th most recently pushed in"
                + " library/app; it retains 10; rule keep-in-use: it does not select untagged"
                + " artifacts; rule keep-candidates: it does not select untagged artifacts",
            "retained: retained: tag v1.0 is immutable (rule release-tags); retention never removes"
                + " it",
            "retained: retained by rule keep-candidates: pushed within the last 90 days (at"
                + " 2025-12-31T00:00:00Z)",
            "retained: retained by rule keep-in-use: pulled within the last 30 days (at"
                + " 2026-02-26T00:00:00Z)",
            "deleted: no rule retains it: rule keep-recent: the 11th most recently pushed in"
                + " library/scratch/tmp; it retains 10",
            "retained: retained by rule keep-recent: among the 10 most recently pushed in"
                + " library/base-debian; retained by rule stable-bases: always");
  }

  @Test
  void thePolicySetNamesTheProjectsWithRetention_andOthersKeepEverything() throws Exception {
    PolicySet set =
        PolicySet.of(List.of(loader.load("retention.yaml", resource("retention.yaml"))));
    RetentionCandidate other = add("other/app", 999, Optional.empty());

    assertThat(set.retentionProjects()).containsExactly("library", "team-a");
    assertThat(set.retention("team-a")).isPresent();
    assertThat(set.retention("other")).isEmpty();
    RetentionPlan plan = set.retain("other", candidates, NOW);
    assertThat(plan.deleted()).isEmpty();
    assertThat(summary(plan, other))
        .isEqualTo("retained: project other has no retention rules; retention leaves it alone");
    assertThat(PolicySet.empty().retentionProjects()).isEmpty();
  }

  @Test
  void everyErrorIsPlaced_withSuggestions() {
    assertThat(
            errors(
                retention(
                    "        - name: a",
                    "          retian: {mostRecentlyPushed: 3}",
                    "        - name: b",
                    "          retain: {mostRecentlyPushed: 0}",
                    "        - name: c",
                    "          retain: {pushedWithinDays: 36501}",
                    "        - name: d",
                    "          retain: {mostRecentlyPushed: 3, always: true}",
                    "        - name: e",
                    "          retain: {always: false}",
                    "        - name: f",
                    "          retain: {mostRecentlyPulled: ten}",
                    "        - name: g",
                    "          tags: {include: [\"v[0-9\"], untagged: yes please}",
                    "          retain: {always: true}",
                    "        - name: g",
                    "          repositories: [\"**\"]",
                    "          retain: {always: true}",
                    "        - retain: {}",
                    "        - name: Bad",
                    "          tags: {}",
                    "          repositories: {exclude: []}",
                    "          retain: {pulledWithinDay: 3}")))
        .containsExactly(
            "policy.yaml:7:11: projects.lib.retention.rules[0].retian: unknown key 'retian'; did"
                + " you mean 'retain'?",
            "policy.yaml:6:11: projects.lib.retention.rules[0]: 'retain' is missing: one of"
                + " mostRecentlyPushed, mostRecentlyPulled, pushedWithinDays, pulledWithinDays,"
                + " always",
            "policy.yaml:9:40: projects.lib.retention.rules[1].retain.mostRecentlyPushed: a count"
                + " from 1 to 10000, not 0",
            "policy.yaml:11:38: projects.lib.retention.rules[2].retain.pushedWithinDays: a number"
                + " of days from 1 to 36500, not 36501",
            "policy.yaml:13:19: projects.lib.retention.rules[3].retain: templates"
                + " mostRecentlyPushed, always: a rule retains by exactly one of"
                + " mostRecentlyPushed, mostRecentlyPulled, pushedWithinDays, pulledWithinDays,"
                + " always (several rules are OR'ed)",
            "policy.yaml:15:28: projects.lib.retention.rules[4].retain.always: 'always: false'"
                + " retains nothing: choose another template or remove the rule",
            "policy.yaml:17:40: projects.lib.retention.rules[5].retain.mostRecentlyPulled:"
                + " expected a whole number",
            "policy.yaml:19:30: projects.lib.retention.rules[6].tags.include[0]: unclosed '[' at"
                + " index 1 of pattern 'v[0-9'",
            "policy.yaml:19:48: projects.lib.retention.rules[6].tags.untagged: expected true or"
                + " false",
            "policy.yaml:21:17: projects.lib.retention.rules[7].name: duplicate retention rule"
                + " name 'g' (first at line 18)",
            "policy.yaml:22:25: projects.lib.retention.rules[7].repositories: expected a mapping"
                + " with include, exclude",
            "policy.yaml:24:11: projects.lib.retention.rules[8]: 'name' is missing",
            "policy.yaml:24:19: projects.lib.retention.rules[8].retain: no template: a rule"
                + " retains by exactly one of mostRecentlyPushed, mostRecentlyPulled,"
                + " pushedWithinDays, pulledWithinDays, always (several rules are OR'ed)",
            "policy.yaml:25:17: projects.lib.retention.rules[9].name: 'Bad' is not a rule name: a"
                + " lower-case letter or digit, then up to 63 of a-z 0-9 . _ -",
            "policy.yaml:27:35: projects.lib.retention.rules[9].repositories.exclude: an empty"
                + " list excludes nothing: remove the key",
            "policy.yaml:26:17: projects.lib.retention.rules[9].tags: an empty selector selects"
                + " everything: remove it, or give include, exclude, untagged",
            "policy.yaml:28:20: projects.lib.retention.rules[9].retain.pulledWithinDay: unknown"
                + " key 'pulledWithinDay'; did you mean 'pulledWithinDays'?",
            "policy.yaml:28:19: projects.lib.retention.rules[9].retain: no template: a rule"
                + " retains by exactly one of mostRecentlyPushed, mostRecentlyPulled,"
                + " pushedWithinDays, pulledWithinDays, always (several rules are OR'ed)");
  }

  @Test
  void theRuleListIsBounded_andNotEmpty() {
    List<String> sixteen = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      sixteen.add("        - {name: r" + i + ", retain: {always: true}}");
    }
    assertThat(errors(retention(sixteen.toArray(String[]::new))))
        .containsExactly(
            "policy.yaml:6:9: projects.lib.retention.rules: 16 retention rules; a project has at"
                + " most 15, as in Harbor");
    assertThat(errors("version: 1\nprojects:\n  lib:\n    retention: {rules: []}\n"))
        .containsExactly(
            "policy.yaml:4:24: projects.lib.retention.rules: an empty list retains nothing: remove"
                + " 'retention' to keep everything");
    assertThat(errors("version: 1\nprojects:\n  lib:\n    retention: {rulez: []}\n"))
        .containsExactly(
            "policy.yaml:4:17: projects.lib.retention.rulez: unknown key 'rulez'; did you mean"
                + " 'rules'?",
            "policy.yaml:4:16: projects.lib.retention: 'rules' is missing: a retention policy has"
                + " 1 to 15 rules");
    assertThat(errors("version: 1\nprojects:\n  lib:\n    retention: [a]\n"))
        .containsExactly("policy.yaml:4:16: projects.lib.retention: expected a mapping with rules");
    assertThat(errors("version: 1\nprojects:\n  lib:\n    retension: {}\n"))
        .containsExactly(
            "policy.yaml:4:5: projects.lib.retension: unknown key 'retension'; did you mean"
                + " 'retention'?");
  }

  @Test
  void fifteenRules_andTheLargestAmounts_load() throws Exception {
    List<String> rules = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      rules.add("        - {name: r" + i + ", retain: {pulledWithinDays: 36500}}");
    }
    rules.add("        - {name: last, retain: {mostRecentlyPushed: 10000}}");
    PolicyDocument document = loader.load("policy.yaml", retention(rules.toArray(String[]::new)));
    assertThat(document.projects().get("lib").retention().orElseThrow().rules()).hasSize(15);
  }
}
