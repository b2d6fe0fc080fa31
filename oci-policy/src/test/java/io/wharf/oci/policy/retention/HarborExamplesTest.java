package io.wharf.oci.policy.retention;

import static io.wharf.oci.policy.retention.Artifacts.NOW;
import static io.wharf.oci.policy.retention.Artifacts.days;
import static io.wharf.oci.policy.retention.Artifacts.globs;
import static io.wharf.oci.policy.retention.Artifacts.hours;
import static io.wharf.oci.policy.retention.Artifacts.in;
import static io.wharf.oci.policy.retention.Artifacts.tagsOf;
import static io.wharf.oci.policy.retention.Artifacts.untagged;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.ref.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The examples of Harbor's documentation, "Create Tag Retention Rules"
 * (goharbor.io/docs/latest/working-with-projects/working-with-images/create-tag-retention-rules/,
 * goharbor/website {@code
 * docs/working-with-projects/working-with-images/create-tag-retention-rules.md}), each asserting
 * the outcome the documentation gives.
 */
class HarborExamplesTest {

  private static final String[] REPOS = {"lib/a", "lib/b", "lib/c", "lib/d", "lib/e"};

  /**
   * The project of examples 1 to 4: "Repository A has 102 artifacts with 2 untagged, all of which
   * have been pulled in the last week. Repositories B to E each have 7 artifacts with 1 untagged
   * artifact, none of which have been pulled in the last month." In A, the 11th to 100th most
   * recently pulled tagged artifacts were pulled more recently than anything in B to E (the
   * documentation's "even if"); in B to E some were pulled 31 to 60 days ago, some never.
   */
  private static List<RetentionCandidate> project() {
    Artifacts artifacts = new Artifacts();
    for (int i = 0; i < 100; i++) {
      artifacts.add("lib/a", days(30 + i), Optional.of(hours(1 + i)), "a-" + i);
    }
    artifacts.add("lib/a", days(200), Optional.of(days(2)));
    artifacts.add("lib/a", days(201), Optional.of(days(3)));
    for (int r = 1; r < REPOS.length; r++) {
      for (int i = 0; i < 6; i++) {
        Optional<Duration> pulled = i % 2 == 0 ? Optional.of(days(31 + 5 * i)) : Optional.empty();
        artifacts.add(REPOS[r], days(60 + i), pulled, "t-" + i);
      }
      artifacts.add(REPOS[r], days(90), Optional.empty());
    }
    return artifacts.all();
  }

  private static RetentionPlan plan(List<RetentionCandidate> candidates, RetentionRule... rules) {
    return RetentionPolicy.of(rules).plan("lib", candidates, NOW, ImmutableTags.none());
  }

  private static RetentionRule rule(String name, RetentionTemplate template, boolean untagged) {
    return new RetentionRule(
        name,
        new RepositorySelector(globs("**"), List.of()),
        new TagSelector(globs("**"), List.of(), untagged),
        template);
  }

  /**
   * Example 1: repositories {@code **}, the 10 most recently pulled, tags {@code **}, "untagged
   * artifacts" unchecked: 10 tagged artifacts of A and the 6 tagged of each of B to E, 34 in all,
   * are retained (counted per repository, not across the project); all untagged are deleted.
   */
  @Test
  void example1_mostRecentlyPulledCountsPerRepository() {
    RetentionPlan plan =
        plan(project(), rule("pulled-10", RetentionTemplate.mostRecentlyPulled(10), false));

    assertThat(plan.retained()).hasSize(34);
    assertThat(in(plan.retained(), "lib/a")).isEqualTo(10);
    assertThat(tagsOf(plan.retained()).subList(0, 10))
        .containsExactlyInAnyOrder(
            "[a-0]", "[a-1]", "[a-2]", "[a-3]", "[a-4]", "[a-5]", "[a-6]", "[a-7]", "[a-8]",
            "[a-9]");
    for (int r = 1; r < REPOS.length; r++) {
      assertThat(in(plan.retained(), REPOS[r])).isEqualTo(6);
    }
    assertThat(untagged(plan.retained())).isZero();
    assertThat(untagged(plan.deleted())).isEqualTo(6);
    assertThat(plan.deleted()).hasSize(90 + 6);
  }

  /**
   * Example 2: as example 1, retaining those pulled in the last 7 days: the 100 tagged artifacts of
   * A are retained, none of B to E; all untagged are deleted.
   */
  @Test
  void example2_pulledWithinDays() {
    RetentionPlan plan =
        plan(project(), rule("pulled-7d", RetentionTemplate.pulledWithinDays(7), false));

    assertThat(plan.retained()).hasSize(100);
    assertThat(in(plan.retained(), "lib/a")).isEqualTo(100);
    assertThat(untagged(plan.retained())).isZero();
    assertThat(plan.deleted()).hasSize(2 + 4 * 7);
  }

  /**
   * Example 3: as example 2 with "untagged artifacts" checked: every artifact of A, untagged ones
   * included, is retained, none of B to E. (The documentation counts 103 artifacts in A, where its
   * own project has 102: 100 tagged and 2 untagged. Its closing "all untagged artifacts are
   * retained" speaks of A: those of B to E were not pulled in the last week, so the rule retains
   * none of them, as its previous sentence says of every artifact in B to E.)
   */
  @Test
  void example3_untaggedArtifactsChecked() {
    RetentionPlan plan =
        plan(project(), rule("pulled-7d", RetentionTemplate.pulledWithinDays(7), true));

    assertThat(plan.retained()).hasSize(102);
    assertThat(in(plan.retained(), "lib/a")).isEqualTo(102);
    assertThat(untagged(plan.retained())).isEqualTo(2);
    assertThat(plan.deleted()).hasSize(4 * 7);
  }

  /**
   * Example 4: two rules, OR'ed: pulled in the last 7 days, and the 10 most recently pulled. A
   * keeps its 100 tagged artifacts (rule 1 retains all, rule 2 ten of them), B to E their 6 tagged
   * artifacts each (rule 2, as 6 < 10): "all of the artifacts are retained" (the tagged ones; the
   * untagged ones are not selected, "untagged artifacts" being unchecked as in examples 1 and 2).
   */
  @Test
  void example4_rulesAreOred() {
    RetentionPlan plan =
        plan(
            project(),
            rule("pulled-7d", RetentionTemplate.pulledWithinDays(7), false),
            rule("pulled-10", RetentionTemplate.mostRecentlyPulled(10), false));

    assertThat(plan.retained()).hasSize(100 + 4 * 6);
    assertThat(untagged(plan.deleted())).isEqualTo(plan.deleted().size()).isEqualTo(6);
    RetentionDecision both =
        plan.retained().stream()
            .filter(d -> d.candidate().tags().equals(List.of(Tag.of("a-0"))))
            .findFirst()
            .orElseThrow();
    assertThat(both.reasons()).extracting(r -> r.rule()).containsExactly("pulled-7d", "pulled-10");
  }

  /**
   * Example 5: one repository with 12 tags ({@code 2.1}, {@code 2.2}, {@code 3.1}, {@code 4.4},
   * each {@code -your_repo-prod}, {@code -rc}, {@code -release}); rules "the 10 most recently
   * pushed that start with 2" and "the 10 most recently pushed that end with -prod" apply to 8
   * tags, which are retained; the other 4 are deleted.
   */
  @Test
  void example5_twoTagRulesApplyToEightTags() {
    Artifacts artifacts = new Artifacts();
    int age = 0;
    for (String version : new String[] {"2.1", "2.2", "3.1", "4.4"}) {
      for (String kind : new String[] {"prod", "rc", "release"}) {
        artifacts.pushed("lib/your_repo", days(++age), version + "-your_repo-" + kind);
      }
    }
    RetentionPlan plan =
        plan(
            artifacts.all(),
            new RetentionRule(
                "starts-with-2",
                RepositorySelector.ALL,
                new TagSelector(globs("2*"), List.of(), true),
                RetentionTemplate.mostRecentlyPushed(10)),
            new RetentionRule(
                "ends-with-prod",
                RepositorySelector.ALL,
                new TagSelector(globs("*-prod"), List.of(), true),
                RetentionTemplate.mostRecentlyPushed(10)));

    assertThat(tagsOf(plan.retained()))
        .containsExactlyInAnyOrder(
            "[2.1-your_repo-prod]",
            "[2.1-your_repo-rc]",
            "[2.1-your_repo-release]",
            "[2.2-your_repo-prod]",
            "[2.2-your_repo-rc]",
            "[2.2-your_repo-release]",
            "[3.1-your_repo-prod]",
            "[4.4-your_repo-prod]");
    assertThat(tagsOf(plan.deleted()))
        .containsExactlyInAnyOrder(
            "[3.1-your_repo-rc]",
            "[3.1-your_repo-release]",
            "[4.4-your_repo-rc]",
            "[4.4-your_repo-release]");
  }

  private static RetentionCandidate harbor(int digest, Instant pushed, String... tags) {
    return new RetentionCandidate(
        io.wharf.oci.model.ref.RepositoryName.of("lib/harbor"),
        Artifacts.digest(digest),
        java.util.Arrays.stream(tags).map(Tag::of).toList(),
        pushed,
        Optional.empty());
  }

  /**
   * "Tag Retention Rules and Native Docker Tag Deletion": tags {@code harbor-1.8}, {@code
   * harbor-release}, {@code harbor-nightly}, {@code harbor-latest}, pushed on 8/14/2019 at 01:00,
   * 03:00, 06:00 and 09:00, all on one digest; retaining the two latest tags matching {@code
   * harbor-*} retains the artifact and so all four tags. Beside it, two older artifacts tagged
   * {@code harbor-*} show that the artifact counts once, not once per tag: one of them is retained
   * too (the rule keeps 2 artifacts), the other deleted.
   */
  @Test
  void severalTagsOfOneArtifact_matchedByTagRetainedWhole() {
    Instant now = Instant.parse("2019-08-15T00:00:00Z");
    Instant lastTagPush = Instant.parse("2019-08-14T09:00:00Z");
    RetentionCandidate shared =
        harbor(1, lastTagPush, "harbor-1.8", "harbor-release", "harbor-nightly", "harbor-latest");
    RetentionCandidate older = harbor(2, Instant.parse("2019-08-01T00:00:00Z"), "harbor-1.7");
    RetentionCandidate oldest = harbor(3, Instant.parse("2019-07-01T00:00:00Z"), "harbor-1.6");
    RetentionPlan plan =
        RetentionPolicy.of(
                new RetentionRule(
                    "latest-two",
                    RepositorySelector.ALL,
                    new TagSelector(globs("harbor-*"), List.of(), false),
                    RetentionTemplate.mostRecentlyPushed(2)))
            .plan("lib", List.of(oldest, older, shared), now, ImmutableTags.none());

    assertThat(plan.retained())
        .extracting(RetentionDecision::candidate)
        .containsExactly(shared, older);
    assertThat(plan.retained().get(0).candidate().tags()).hasSize(4);
    assertThat(plan.deleted()).extracting(RetentionDecision::candidate).containsExactly(oldest);
  }
}
