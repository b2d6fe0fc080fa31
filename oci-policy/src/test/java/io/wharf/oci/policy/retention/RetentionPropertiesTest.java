package io.wharf.oci.policy.retention;

import static io.wharf.oci.model.testing.OciGenerators.booleans;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.optionals;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.policy.retention.Artifacts.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Glob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Retention over random projects and rules: the invariants Harbor's semantics imply. */
class RetentionPropertiesTest {

  private static final Comparator<RetentionCandidate> PLAN_ORDER =
      Comparator.comparing(RetentionCandidate::repository)
          .thenComparing(RetentionCandidate::pushedAt, Comparator.reverseOrder())
          .thenComparing(RetentionCandidate::digest);

  /** A project's artifacts: few repositories, few tags, many ties in time. */
  private static Gen<List<RetentionCandidate>> projects() {
    Gen<RetentionCandidate> artifact =
        pick("lib/a", "lib/b", "lib/c/d", "lib")
            .zip(
                lists(pick("v1", "v2", "latest", "v1-rc1", "tmp-x", "stable"), 0, 3),
                ints(0, 40),
                optionals(ints(0, 40), 60),
                (repository, tags, pushed, pulled) ->
                    new RetentionCandidate(
                        RepositoryName.of(repository),
                        Artifacts.digest(1),
                        tags.stream().map(Tag::of).toList(),
                        NOW.minus(Duration.ofDays(pushed)),
                        pulled.map(days -> NOW.minus(Duration.ofDays(days)))));
    return lists(artifact, 0, 30)
        .map(
            list -> {
              List<RetentionCandidate> distinct = new ArrayList<>(list.size());
              for (int i = 0; i < list.size(); i++) {
                RetentionCandidate c = list.get(i);
                distinct.add(
                    new RetentionCandidate(
                        c.repository(),
                        Artifacts.digest(i + 1),
                        c.tags(),
                        c.pushedAt(),
                        c.pulledAt()));
              }
              return distinct;
            });
  }

  private static Gen<RetentionTemplate> templates() {
    return oneOf(
        ints(1, 6).map(RetentionTemplate::mostRecentlyPushed),
        ints(1, 6).map(RetentionTemplate::mostRecentlyPulled),
        ints(1, 30).map(RetentionTemplate::pushedWithinDays),
        ints(1, 30).map(RetentionTemplate::pulledWithinDays),
        pick(RetentionTemplate.always()));
  }

  private static Gen<List<Glob>> globs() {
    return lists(pick("**", "a", "c/*", "v*", "*-rc*", "{latest,stable}", "tmp-?"), 0, 2)
        .map(l -> l.stream().map(Glob::compile).toList());
  }

  private static Gen<TagSelector> tagSelectors() {
    return globs().zip(globs(), booleans(), TagSelector::new);
  }

  /** Rules on every repository of the project. */
  private static Gen<RetentionRule> rulesOnAll() {
    return tagSelectors()
        .zip(
            templates(),
            (tags, template) -> new RetentionRule("r", RepositorySelector.ALL, tags, template));
  }

  private static Gen<RetentionRule> rules() {
    return globs()
        .zip(
            globs(),
            tagSelectors(),
            templates(),
            (include, exclude, tags, template) ->
                new RetentionRule("r", new RepositorySelector(include, exclude), tags, template));
  }

  private static RetentionRule named(RetentionRule rule, String name) {
    return new RetentionRule(name, rule.repositories(), rule.tags(), rule.template());
  }

  private static RetentionTemplate mostRecent(boolean pulled, int k) {
    return pulled
        ? RetentionTemplate.mostRecentlyPulled(k)
        : RetentionTemplate.mostRecentlyPushed(k);
  }

  private static Set<RetentionCandidate> retained(RetentionPlan plan) {
    return plan.retained().stream().map(RetentionDecision::candidate).collect(Collectors.toSet());
  }

  private static RetentionPlan plan(List<RetentionCandidate> candidates, RetentionRule... rules) {
    return RetentionPolicy.of(rules).plan("lib", candidates, NOW, ImmutableTags.none());
  }

  @Test
  void everyCandidateHasOneDecision_inPlanOrder_whateverTheInputOrder() {
    qt().withExamples(500)
        .forAll(projects(), rules(), rules(), ints(0, Integer.MAX_VALUE))
        .checkAssert(
            (candidates, first, second, seed) -> {
              List<RetentionCandidate> shuffled = new ArrayList<>(candidates);
              Collections.shuffle(shuffled, new Random(seed));
              RetentionPolicy policy =
                  RetentionPolicy.of(named(first, "one"), named(second, "two"));

              RetentionPlan plan = policy.plan("lib", candidates, NOW, ImmutableTags.none());

              List<RetentionCandidate> sorted = new ArrayList<>(candidates);
              sorted.sort(PLAN_ORDER);
              assertThat(plan.decisions())
                  .extracting(RetentionDecision::candidate)
                  .isEqualTo(sorted);
              assertThat(policy.plan("lib", shuffled, NOW, ImmutableTags.none())).isEqualTo(plan);
              for (RetentionDecision decision : plan.decisions()) {
                assertThat(decision.reasons()).isNotEmpty();
              }
            });
  }

  @Test
  void rulesAreOred() {
    qt().withExamples(500)
        .forAll(projects(), rulesOnAll(), rulesOnAll())
        .checkAssert(
            (candidates, first, second) -> {
              Set<RetentionCandidate> union = retained(plan(candidates, named(first, "one")));
              union.addAll(retained(plan(candidates, named(second, "two"))));

              assertThat(retained(plan(candidates, named(first, "one"), named(second, "two"))))
                  .isEqualTo(union);
            });
  }

  @Test
  void mostRecentTemplatesRetainMinOfKAndTheSelected_perRepository() {
    qt().withExamples(500)
        .forAll(projects(), tagSelectors(), ints(1, 6), booleans())
        .checkAssert(
            (candidates, tags, k, pulled) -> {
              RetentionPlan plan =
                  plan(
                      candidates,
                      new RetentionRule("k", RepositorySelector.ALL, tags, mostRecent(pulled, k)));

              for (RepositoryName repository :
                  candidates.stream()
                      .map(RetentionCandidate::repository)
                      .collect(Collectors.toSet())) {
                long selected =
                    candidates.stream()
                        .filter(c -> c.repository().equals(repository) && tags.selects(c.tags()))
                        .count();
                long kept =
                    plan.retained().stream()
                        .filter(d -> d.candidate().repository().equals(repository))
                        .count();
                assertThat(kept).isEqualTo(Math.min(k, selected));
              }
            });
  }

  @Test
  void aLargerKNeverDeletesMore() {
    qt().withExamples(300)
        .forAll(projects(), tagSelectors(), ints(1, 5), booleans())
        .checkAssert(
            (candidates, tags, k, pulled) -> {
              RetentionPlan smaller =
                  plan(
                      candidates,
                      new RetentionRule("k", RepositorySelector.ALL, tags, mostRecent(pulled, k)));
              RetentionPlan larger =
                  plan(
                      candidates,
                      new RetentionRule(
                          "k", RepositorySelector.ALL, tags, mostRecent(pulled, k + 1)));

              assertThat(retained(larger)).containsAll(retained(smaller));
            });
  }

  @Test
  void immutableTagsAndRepositoriesNoRuleSelects_areNeverDeleted() {
    ImmutableTags immutable =
        (repository, tag) -> tag.value().startsWith("v") ? Optional.of("frozen") : Optional.empty();
    qt().withExamples(500)
        .forAll(projects(), rules(), rules())
        .checkAssert(
            (candidates, first, second) -> {
              RetentionPlan plan =
                  RetentionPolicy.of(named(first, "one"), named(second, "two"))
                      .plan("lib", candidates, NOW, immutable);

              for (RetentionDecision decision : plan.deleted()) {
                RetentionCandidate c = decision.candidate();
                assertThat(c.tags()).noneMatch(t -> t.value().startsWith("v"));
                assertThat(
                        first.repositories().selects(c.repository())
                            || second.repositories().selects(c.repository()))
                    .isTrue();
                assertThat(decision.reasons()).hasSizeBetween(1, 2);
              }
            });
  }
}
