package io.wharf.oci.policy.retention;

import static io.wharf.oci.policy.retention.Artifacts.NOW;
import static io.wharf.oci.policy.retention.Artifacts.days;
import static io.wharf.oci.policy.retention.Artifacts.globs;
import static io.wharf.oci.policy.retention.Artifacts.hours;
import static io.wharf.oci.policy.retention.Artifacts.tagsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Glob;
import io.wharf.oci.policy.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each template, the selectors, ties, immutable tags and the plan's order and reasons. */
class RetentionPolicyTest {

  private final Artifacts artifacts = new Artifacts();

  private RetentionPlan plan(RetentionRule... rules) {
    return RetentionPolicy.of(rules).plan("lib", artifacts.all(), NOW, ImmutableTags.none());
  }

  private static RetentionRule tagged(String name, TagSelector tags, RetentionTemplate template) {
    return new RetentionRule(name, RepositorySelector.ALL, tags, template);
  }

  /** A rule on the repositories {@code include} matches and {@code exclude} does not. */
  private static RetentionRule on(
      String name, List<Glob> include, List<Glob> exclude, RetentionTemplate template) {
    return new RetentionRule(
        name, new RepositorySelector(include, exclude), TagSelector.ALL, template);
  }

  private static List<String> messages(RetentionDecision decision) {
    return decision.reasons().stream().map(Reason::message).toList();
  }

  @Test
  void mostRecentlyPushed_keepsK_andSaysWhichRuleAndRank() {
    artifacts.pushed("lib/app", days(1), "v4");
    artifacts.pushed("lib/app", days(2), "v3");
    artifacts.pushed("lib/app", days(3), "v2");
    artifacts.pushed("lib/app", days(4), "v1");

    RetentionPlan plan =
        plan(RetentionRule.of("keep-recent", RetentionTemplate.mostRecentlyPushed(3)));

    assertThat(tagsOf(plan.retained())).containsExactly("[v4]", "[v3]", "[v2]");
    assertThat(messages(plan.retained().get(0)))
        .containsExactly(
            "retained by rule keep-recent: among the 3 most recently pushed in lib/app");
    RetentionDecision v1 = plan.deleted().get(0);
    assertThat(v1.reasons())
        .containsExactly(
            new Reason(
                "keep-recent",
                "rule keep-recent: the 4th most recently pushed in lib/app; it retains 3"));
    assertThat(v1.summary())
        .isEqualTo(
            "no rule retains it: rule keep-recent: the 4th most recently pushed in lib/app; it"
                + " retains 3");
  }

  @Test
  void mostRecentlyPushed_one_isWordedInTheSingular() {
    artifacts.pushed("lib/app", days(1), "new");
    artifacts.pushed("lib/app", days(2), "old");

    RetentionPlan plan = plan(RetentionRule.of("newest", RetentionTemplate.mostRecentlyPushed(1)));

    assertThat(plan.retained().get(0).summary())
        .isEqualTo("retained by rule newest: among the most recently pushed in lib/app");
    assertThat(tagsOf(plan.deleted())).containsExactly("[old]");
  }

  @Test
  void mostRecentlyPulled_neverPulledCountLast_andAreKeptOnlyWhileThereIsRoom() {
    artifacts.add("lib/app", days(9), Optional.of(hours(1)), "pulled-recently");
    artifacts.add("lib/app", days(8), Optional.of(days(30)), "pulled-long-ago");
    artifacts.pushed("lib/app", days(1), "never-new");
    artifacts.pushed("lib/app", days(2), "never-old");

    RetentionPlan three = plan(RetentionRule.of("pulled", RetentionTemplate.mostRecentlyPulled(3)));

    assertThat(tagsOf(three.retained()))
        .containsExactlyInAnyOrder("[pulled-recently]", "[pulled-long-ago]", "[never-new]");
    RetentionDecision neverNew =
        three.retained().stream()
            .filter(d -> d.candidate().tags().contains(Tag.of("never-new")))
            .findFirst()
            .orElseThrow();
    assertThat(neverNew.summary())
        .isEqualTo(
            "retained by rule pulled: among the 3 most recently pulled in lib/app (never pulled,"
                + " but fewer than 3 selected were)");
    assertThat(three.deleted().get(0).summary())
        .isEqualTo(
            "no rule retains it: rule pulled: never pulled; it retains the 3 most recently pulled"
                + " in lib/app");
  }

  @Test
  void mostRecentlyPulled_ranksPulledArtifactsByPullNotPush() {
    artifacts.add("lib/app", days(1), Optional.of(days(5)), "pushed-last");
    artifacts.add("lib/app", days(9), Optional.of(hours(1)), "pulled-last");

    RetentionPlan plan = plan(RetentionRule.of("pulled", RetentionTemplate.mostRecentlyPulled(1)));

    assertThat(tagsOf(plan.retained())).containsExactly("[pulled-last]");
    assertThat(plan.deleted().get(0).summary())
        .isEqualTo(
            "no rule retains it: rule pulled: the 2nd most recently pulled in lib/app; it retains"
                + " 1");
  }

  @Test
  void pushedWithinDays_boundaryIsInclusive() {
    artifacts.pushed("lib/app", days(7), "exactly-7d");
    artifacts.pushed("lib/app", days(7).plusSeconds(1), "just-older");

    RetentionPlan plan = plan(RetentionRule.of("week", RetentionTemplate.pushedWithinDays(7)));

    assertThat(tagsOf(plan.retained())).containsExactly("[exactly-7d]");
    assertThat(plan.retained().get(0).summary())
        .isEqualTo(
            "retained by rule week: pushed within the last 7 days (at 2026-02-22T00:00:00Z)");
    assertThat(plan.deleted().get(0).summary())
        .isEqualTo(
            "no rule retains it: rule week: last pushed at 2026-02-21T23:59:59Z, more than 7 days"
                + " ago");
  }

  @Test
  void pulledWithinDays_neverPulledIsNeverWithin() {
    artifacts.add("lib/app", days(100), Optional.of(hours(23)), "pulled-today");
    artifacts.add("lib/app", days(100), Optional.of(days(2)), "pulled-2d");
    artifacts.pushed("lib/app", hours(1), "never");

    RetentionPlan plan = plan(RetentionRule.of("day", RetentionTemplate.pulledWithinDays(1)));

    assertThat(tagsOf(plan.retained())).containsExactly("[pulled-today]");
    assertThat(plan.retained().get(0).summary())
        .isEqualTo("retained by rule day: pulled within the last day (at 2026-02-28T01:00:00Z)");
    assertThat(plan.deleted())
        .extracting(RetentionDecision::summary)
        .containsExactly(
            "no rule retains it: rule day: never pulled; it retains those pulled within the last"
                + " day",
            "no rule retains it: rule day: last pulled at 2026-02-27T00:00:00Z, more than 1 day"
                + " ago");
  }

  @Test
  void always_keepsWhatItSelects() {
    artifacts.pushed("lib/app", days(400), "v1.0");
    artifacts.pushed("lib/app", days(1), "nightly");

    RetentionPlan plan =
        plan(
            tagged(
                "releases",
                new TagSelector(globs("v*"), List.of(), false),
                RetentionTemplate.always()));

    assertThat(tagsOf(plan.retained())).containsExactly("[v1.0]");
    assertThat(plan.retained().get(0).summary()).isEqualTo("retained by rule releases: always");
    assertThat(plan.deleted().get(0).summary())
        .isEqualTo("no rule retains it: rule releases: it does not select tag nightly");
  }

  @Test
  void excludedTags_areNotSelected_andAnArtifactIsSelectedByAnyOfItsTags() {
    artifacts.pushed("lib/app", days(1), "v2-rc1");
    artifacts.pushed("lib/app", days(2), "v1", "v1-rc2");
    artifacts.pushed("lib/app", days(3), "v0-rc1", "v0-rc2");

    RetentionPlan plan =
        plan(
            tagged(
                "no-rc",
                new TagSelector(globs("v*"), globs("*-rc*"), true),
                RetentionTemplate.always()));

    assertThat(tagsOf(plan.retained())).containsExactly("[v1, v1-rc2]");
    assertThat(plan.deleted())
        .extracting(RetentionDecision::summary)
        .containsExactly(
            "no rule retains it: rule no-rc: it does not select tag v2-rc1",
            "no rule retains it: rule no-rc: it selects none of tags v0-rc1, v0-rc2");
  }

  @Test
  void excludeOnly_selectsEveryOtherTag_likeHarborsExcludingDecoration() {
    artifacts.pushed("lib/app", days(1), "tmp-1");
    artifacts.pushed("lib/app", days(2), "tmp-2", "keep");
    artifacts.pushed("lib/app", days(3), "v1");

    RetentionPlan plan =
        plan(
            tagged(
                "not-tmp",
                new TagSelector(List.of(), globs("tmp-*"), false),
                RetentionTemplate.always()));

    assertThat(tagsOf(plan.retained())).containsExactly("[keep, tmp-2]", "[v1]");
    assertThat(tagsOf(plan.deleted())).containsExactly("[tmp-1]");
  }

  @Test
  void untaggedArtifacts_areSelectedOnlyWhenTheSwitchIsOn() {
    artifacts.pushed("lib/app", days(1));
    artifacts.pushed("lib/app", days(2), "v1");

    RetentionPlan off =
        plan(
            tagged(
                "tagged-only",
                new TagSelector(List.of(), List.of(), false),
                RetentionTemplate.always()));
    RetentionPlan on = plan(tagged("with-untagged", TagSelector.ALL, RetentionTemplate.always()));

    assertThat(tagsOf(off.retained())).containsExactly("[v1]");
    assertThat(off.deleted().get(0).summary())
        .isEqualTo("no rule retains it: rule tagged-only: it does not select untagged artifacts");
    assertThat(on.deleted()).isEmpty();
  }

  @Test
  void untaggedArtifacts_competeForTheKSlotsWhenSelected() {
    artifacts.pushed("lib/app", days(1));
    artifacts.pushed("lib/app", days(2), "v2");
    artifacts.pushed("lib/app", days(3), "v1");

    RetentionPlan plan = plan(RetentionRule.of("two", RetentionTemplate.mostRecentlyPushed(2)));

    assertThat(tagsOf(plan.retained())).containsExactly("[]", "[v2]");
    assertThat(tagsOf(plan.deleted())).containsExactly("[v1]");
  }

  @Test
  void ties_inPushTime_goToTheSmallerDigest_whateverTheInputOrder() {
    for (int i = 0; i < 5; i++) {
      artifacts.pushed("lib/app", days(1), "t" + i);
    }
    List<RetentionCandidate> shuffled = new ArrayList<>(artifacts.all());
    Collections.reverse(shuffled);
    RetentionPolicy policy =
        RetentionPolicy.of(RetentionRule.of("two", RetentionTemplate.mostRecentlyPushed(2)));

    RetentionPlan forward = policy.plan("lib", artifacts.all(), NOW, ImmutableTags.none());
    RetentionPlan backward = policy.plan("lib", shuffled, NOW, ImmutableTags.none());

    assertThat(tagsOf(forward.retained())).containsExactly("[t0]", "[t1]");
    assertThat(backward).isEqualTo(forward);
    assertThat(tagsOf(forward.decisions())).containsExactly("[t0]", "[t1]", "[t2]", "[t3]", "[t4]");
  }

  @Test
  void ties_inPullTime_goToTheMoreRecentlyPushed() {
    artifacts.add("lib/app", days(5), Optional.of(hours(1)), "older-push");
    artifacts.add("lib/app", days(3), Optional.of(hours(1)), "newer-push");

    RetentionPlan plan = plan(RetentionRule.of("pulled", RetentionTemplate.mostRecentlyPulled(1)));

    assertThat(tagsOf(plan.retained())).containsExactly("[newer-push]");
  }

  @Test
  void rulesAreOred_andEveryRuleThatKeepsIsNamed() {
    artifacts.add("lib/app", days(1), Optional.of(hours(1)), "both");
    artifacts.add("lib/app", days(20), Optional.of(hours(2)), "pulled-only");
    artifacts.pushed("lib/app", days(2), "pushed-only");
    artifacts.pushed("lib/app", days(30), "neither");

    RetentionPlan plan =
        plan(
            RetentionRule.of("pushed-week", RetentionTemplate.pushedWithinDays(7)),
            RetentionRule.of("pulled-week", RetentionTemplate.pulledWithinDays(7)));

    assertThat(tagsOf(plan.retained())).containsExactly("[both]", "[pushed-only]", "[pulled-only]");
    assertThat(plan.retained().get(0).reasons())
        .extracting(Reason::rule)
        .containsExactly("pushed-week", "pulled-week");
    assertThat(plan.deleted().get(0).reasons())
        .containsExactly(
            new Reason(
                "pushed-week",
                "rule pushed-week: last pushed at 2026-01-30T00:00:00Z, more than 7 days ago"),
            new Reason(
                "pulled-week",
                "rule pulled-week: never pulled; it retains those pulled within the last 7 days"));
  }

  @Test
  void repositoriesNoRuleSelects_areLeftAlone_andOthersLoseWhatNoRuleKeeps() {
    artifacts.pushed("lib/app", days(100), "old");
    artifacts.pushed("lib/app", days(1), "new");
    artifacts.pushed("lib/tmp/build", days(100), "old");
    artifacts.pushed("lib/cache", days(100), "old");

    RetentionPlan plan =
        plan(
            on(
                "recent-apps",
                globs("**"),
                globs("tmp/**", "cache"),
                RetentionTemplate.pushedWithinDays(30)));

    assertThat(plan.deleted())
        .extracting(d -> d.candidate().repository().value() + ":" + d.candidate().tags())
        .containsExactly("lib/app:[old]");
    assertThat(plan.decisions())
        .filteredOn(d -> d.candidate().repository().value().equals("lib/tmp/build"))
        .extracting(RetentionDecision::summary)
        .containsExactly(
            "no retention rule applies to repository lib/tmp/build; retention leaves it alone");
  }

  @Test
  void repositoryPatternsMatchTheNameWithinTheProject() {
    RepositorySelector selector = new RepositorySelector(globs("app", "team/*"), List.of());

    assertThat(selector.selects(io.wharf.oci.model.ref.RepositoryName.of("lib/app"))).isTrue();
    assertThat(selector.selects(io.wharf.oci.model.ref.RepositoryName.of("lib/team/x"))).isTrue();
    assertThat(selector.selects(io.wharf.oci.model.ref.RepositoryName.of("lib/lib/app"))).isFalse();
    assertThat(selector.selects(io.wharf.oci.model.ref.RepositoryName.of("app"))).isTrue();
    assertThat(
            RepositorySelector.nameInProject(io.wharf.oci.model.ref.RepositoryName.of("lib/a/b")))
        .isEqualTo("a/b");
  }

  @Test
  void kCountsPerRepositoryForRulesOfOtherRepositories() {
    artifacts.pushed("lib/app", days(1), "a1");
    artifacts.pushed("lib/app", days(2), "a2");
    artifacts.pushed("lib/web", days(3), "w1");
    artifacts.pushed("lib/web", days(4), "w2");

    RetentionPlan plan =
        plan(
            on("app-one", globs("app"), List.of(), RetentionTemplate.mostRecentlyPushed(1)),
            on("web-one", globs("web"), List.of(), RetentionTemplate.mostRecentlyPushed(1)));

    assertThat(tagsOf(plan.retained())).containsExactly("[a1]", "[w1]");
    assertThat(plan.deleted())
        .extracting(d -> d.reasons().get(0).rule())
        .containsExactly("app-one", "web-one");
  }

  @Test
  void immutableTags_areNeverRemoved_andTheImmutableRuleIsNamed() {
    artifacts.pushed("lib/app", days(1), "latest");
    artifacts.pushed("lib/app", days(50), "v1", "stable");
    artifacts.pushed("lib/app", days(60), "v0");
    ImmutableTags immutable =
        (repository, tag) ->
            tag.value().startsWith("v") ? Optional.of("release-tags") : Optional.empty();

    RetentionPlan plan =
        RetentionPolicy.of(RetentionRule.of("newest", RetentionTemplate.mostRecentlyPushed(1)))
            .plan("lib", artifacts.all(), NOW, immutable);

    assertThat(plan.deleted()).isEmpty();
    assertThat(plan.retained().get(1).reasons())
        .containsExactly(
            new Reason(
                "release-tags",
                "retained: tag v1 is immutable (rule release-tags); retention never removes it"));
  }

  @Test
  void theOrderIsByRepositoryThenMostRecentlyPushedThenDigest() {
    artifacts.pushed("lib/b", days(2), "b-old");
    artifacts.pushed("lib/a", days(3), "a-old");
    artifacts.pushed("lib/b", days(1), "b-new");
    artifacts.pushed("lib/a", days(1), "a-new");

    RetentionPlan plan = plan(RetentionRule.of("all", RetentionTemplate.always()));

    assertThat(tagsOf(plan.decisions()))
        .containsExactly("[a-new]", "[a-old]", "[b-new]", "[b-old]");
    assertThat(plan.decision(artifacts.all().get(0).repository(), artifacts.all().get(0).digest()))
        .map(d -> d.candidate().tags())
        .contains(List.of(Tag.of("b-old")));
    assertThat(plan.evaluatedAt()).isEqualTo(NOW);
    assertThat(plan.project()).isEqualTo("lib");
  }

  @Test
  void aProjectWithoutRules_keepsEverything() {
    artifacts.pushed("lib/app", days(1000), "ancient");

    RetentionPlan plan = RetentionPlan.retainAll("lib", artifacts.all(), NOW);

    assertThat(plan.deleted()).isEmpty();
    assertThat(plan.retained().get(0).summary())
        .isEqualTo("project lib has no retention rules; retention leaves it alone");
  }

  @Test
  void candidatesOutsideTheProjectOrGivenTwice_areRefused() {
    RetentionCandidate elsewhere = artifacts.pushed("other/app", days(1), "v1");
    RetentionPolicy policy =
        RetentionPolicy.of(RetentionRule.of("all", RetentionTemplate.always()));
    RetentionCandidate ok = artifacts.pushed("lib/app", days(1), "v1");
    RetentionCandidate alone = artifacts.pushed("lib", days(1), "v1");

    assertThatThrownBy(() -> policy.plan("lib", List.of(elsewhere), NOW, ImmutableTags.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not in project lib");
    assertThatThrownBy(() -> policy.plan("lib", List.of(ok, ok), NOW, ImmutableTags.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("given twice");
    assertThat(policy.plan("lib", List.of(alone), NOW, ImmutableTags.none()).retained()).hasSize(1);
  }

  @Test
  void theModelValidates() {
    assertThatThrownBy(() -> RetentionTemplate.mostRecentlyPushed(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetentionTemplate.mostRecentlyPulled(RetentionTemplate.MAX_COUNT + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetentionTemplate.pushedWithinDays(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetentionTemplate.pulledWithinDays(RetentionTemplate.MAX_DAYS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetentionTemplate(RetentionTemplate.Kind.ALWAYS, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetentionRule.of("Bad Name", RetentionTemplate.always()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetentionPolicy(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    List<RetentionRule> sixteen = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      sixteen.add(RetentionRule.of("r" + i, RetentionTemplate.always()));
    }
    assertThatThrownBy(() -> new RetentionPolicy(sixteen))
        .hasMessage("a retention policy has 1 to 15 rules, not 16");
    assertThatThrownBy(
            () ->
                RetentionPolicy.of(
                    RetentionRule.of("same", RetentionTemplate.always()),
                    RetentionRule.of("same", RetentionTemplate.mostRecentlyPushed(1))))
        .hasMessage("duplicate retention rule name 'same'");
    assertThatThrownBy(
            () ->
                new RetentionDecision(artifacts.pushed("lib/app", Duration.ZERO), true, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    RetentionCandidate sorted = artifacts.pushed("lib/app", Duration.ZERO, "b", "a", "b");
    assertThat(sorted.tags()).containsExactly(Tag.of("a"), Tag.of("b"));
    assertThat(RetentionEvaluator.ordinal(1)).isEqualTo("1st");
    assertThat(RetentionEvaluator.ordinal(12)).isEqualTo("12th");
    assertThat(RetentionEvaluator.ordinal(22)).isEqualTo("22nd");
    assertThat(RetentionEvaluator.ordinal(103)).isEqualTo("103rd");
    assertThat(RetentionEvaluator.ordinal(111)).isEqualTo("111th");
  }
}
