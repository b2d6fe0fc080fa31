package io.wharf.oci.policy.retention;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Evaluates a project's retention rules over its candidates, repository by repository. */
final class RetentionEvaluator {

  /** The name reasons give when no rule of the project is involved. */
  static final String NO_RULE = "retention";

  /** The most tags a reason lists before it says how many more. */
  private static final int LISTED_TAGS = 5;

  /** Most recently pushed first, then the smaller digest. */
  private static final Comparator<RetentionCandidate> BY_PUSH =
      Comparator.comparing(RetentionCandidate::pushedAt)
          .reversed()
          .thenComparing(RetentionCandidate::digest);

  /** Most recently pulled first (never pulled last), then as {@link #BY_PUSH}. */
  private static final Comparator<RetentionCandidate> BY_PULL =
      Comparator.comparing(
              (RetentionCandidate c) -> c.pulledAt().orElse(Instant.MIN), Comparator.reverseOrder())
          .thenComparing(BY_PUSH);

  private final String project;
  private final List<RetentionRule> rules;
  private final Instant now;
  private final ImmutableTags immutable;

  RetentionEvaluator(
      String project, List<RetentionRule> rules, Instant now, ImmutableTags immutable) {
    this.project = project;
    this.rules = rules;
    this.now = now;
    this.immutable = immutable;
  }

  /** Every candidate retained because the project has no retention rules. */
  static RetentionPlan retainAll(
      String project, Collection<RetentionCandidate> candidates, Instant now) {
    return new RetentionEvaluator(project, List.of(), now, ImmutableTags.none()).plan(candidates);
  }

  RetentionPlan plan(Collection<RetentionCandidate> candidates) {
    Map<RepositoryName, List<RetentionCandidate>> byRepository = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (RetentionCandidate candidate : candidates) {
      String repository = candidate.repository().value();
      if (!projectOf(repository).equals(project)) {
        throw new IllegalArgumentException(
            "candidate " + candidate + " is not in project " + project);
      }
      if (!seen.add(repository + "@" + candidate.digest())) {
        throw new IllegalArgumentException("candidate " + candidate + " is given twice");
      }
      byRepository.computeIfAbsent(candidate.repository(), r -> new ArrayList<>()).add(candidate);
    }
    List<RetentionDecision> decisions = new ArrayList<>(seen.size());
    for (Map.Entry<RepositoryName, List<RetentionCandidate>> entry : byRepository.entrySet()) {
      List<RetentionCandidate> artifacts = entry.getValue();
      artifacts.sort(BY_PUSH);
      decisions.addAll(repository(entry.getKey(), artifacts));
    }
    return new RetentionPlan(project, now, decisions);
  }

  private static String projectOf(String repository) {
    int slash = repository.indexOf('/');
    return slash < 0 ? repository : repository.substring(0, slash);
  }

  /** The decisions for one repository's artifacts, in their order. */
  private List<RetentionDecision> repository(
      RepositoryName repository, List<RetentionCandidate> artifacts) {
    List<RetentionRule> applicable = new ArrayList<>(rules.size());
    for (RetentionRule rule : rules) {
      if (rule.repositories().selects(repository)) {
        applicable.add(rule);
      }
    }
    if (applicable.isEmpty()) {
      Reason untouched =
          new Reason(
              NO_RULE,
              rules.isEmpty()
                  ? "project " + project + " has no retention rules; retention leaves it alone"
                  : "no retention rule applies to repository "
                      + repository
                      + "; retention leaves it alone");
      List<RetentionDecision> decisions = new ArrayList<>(artifacts.size());
      for (RetentionCandidate artifact : artifacts) {
        decisions.add(new RetentionDecision(artifact, true, List.of(untouched)));
      }
      return decisions;
    }
    Map<RetentionCandidate, List<Reason>> kept = new IdentityHashMap<>();
    Map<RetentionCandidate, List<Reason>> notKept = new IdentityHashMap<>();
    for (RetentionRule rule : applicable) {
      judge(rule, repository, artifacts, kept, notKept);
    }
    List<RetentionDecision> decisions = new ArrayList<>(artifacts.size());
    for (RetentionCandidate artifact : artifacts) {
      List<Reason> keptBy = kept.get(artifact);
      if (keptBy != null) {
        decisions.add(new RetentionDecision(artifact, true, keptBy));
        continue;
      }
      List<Reason> protectedBy = immutableTags(artifact);
      if (!protectedBy.isEmpty()) {
        decisions.add(new RetentionDecision(artifact, true, protectedBy));
      } else {
        decisions.add(new RetentionDecision(artifact, false, notKept.get(artifact)));
      }
    }
    return decisions;
  }

  /** Adds to {@code kept} or {@code notKept} a reason of {@code rule} for each artifact. */
  private void judge(
      RetentionRule rule,
      RepositoryName repository,
      List<RetentionCandidate> artifacts,
      Map<RetentionCandidate, List<Reason>> kept,
      Map<RetentionCandidate, List<Reason>> notKept) {
    List<RetentionCandidate> selected = new ArrayList<>(artifacts.size());
    for (RetentionCandidate artifact : artifacts) {
      if (rule.tags().selects(artifact.tags())) {
        selected.add(artifact);
      } else {
        add(notKept, artifact, rule, notBy(rule) + unselected(artifact));
      }
    }
    RetentionTemplate template = rule.template();
    switch (template.kind()) {
      case MOST_RECENTLY_PUSHED:
      case MOST_RECENTLY_PULLED:
        mostRecent(rule, repository, selected, kept, notKept);
        break;
      case PUSHED_WITHIN_DAYS:
      case PULLED_WITHIN_DAYS:
        within(rule, selected, kept, notKept);
        break;
      default:
        for (RetentionCandidate artifact : selected) {
          add(kept, artifact, rule, retainedBy(rule) + "always");
        }
    }
  }

  /** The K most recently pushed or pulled of {@code selected}. */
  private static void mostRecent(
      RetentionRule rule,
      RepositoryName repository,
      List<RetentionCandidate> selected,
      Map<RetentionCandidate, List<Reason>> kept,
      Map<RetentionCandidate, List<Reason>> notKept) {
    RetentionTemplate template = rule.template();
    int k = template.amount();
    boolean pulled = template.kind() == RetentionTemplate.Kind.MOST_RECENTLY_PULLED;
    selected.sort(pulled ? BY_PULL : BY_PUSH);
    String among = template + " in " + repository;
    for (int i = 0; i < selected.size(); i++) {
      RetentionCandidate artifact = selected.get(i);
      boolean never = pulled && artifact.pulledAt().isEmpty();
      if (i < k) {
        String note = never ? " (never pulled, but fewer than " + k + " selected were)" : "";
        add(kept, artifact, rule, retainedBy(rule) + "among " + among + note);
      } else if (never) {
        add(notKept, artifact, rule, notBy(rule) + "never pulled; it retains " + among);
      } else {
        String rank =
            "the " + ordinal(i + 1) + (pulled ? " most recently pulled" : " most recently pushed");
        add(
            notKept,
            artifact,
            rule,
            notBy(rule) + rank + " in " + repository + "; it retains " + k);
      }
    }
  }

  /** Those of {@code selected} pushed or pulled within the last N days. */
  private void within(
      RetentionRule rule,
      List<RetentionCandidate> selected,
      Map<RetentionCandidate, List<Reason>> kept,
      Map<RetentionCandidate, List<Reason>> notKept) {
    RetentionTemplate template = rule.template();
    Instant since = now.minus(Duration.ofDays(template.amount()));
    boolean pulled = template.kind() == RetentionTemplate.Kind.PULLED_WITHIN_DAYS;
    for (RetentionCandidate artifact : selected) {
      Optional<Instant> at = pulled ? artifact.pulledAt() : Optional.of(artifact.pushedAt());
      if (at.isPresent() && !at.get().isBefore(since)) {
        add(kept, artifact, rule, retainedBy(rule) + template + " (at " + at.get() + ")");
      } else if (at.isEmpty()) {
        add(notKept, artifact, rule, notBy(rule) + "never pulled; it retains those " + template);
      } else {
        int n = template.amount();
        String ago = ", more than " + n + (n == 1 ? " day" : " days") + " ago";
        add(
            notKept,
            artifact,
            rule,
            notBy(rule) + "last " + (pulled ? "pulled" : "pushed") + " at " + at.get() + ago);
      }
    }
  }

  private static String notBy(RetentionRule rule) {
    return "rule " + rule.name() + ": ";
  }

  private static String retainedBy(RetentionRule rule) {
    return "retained by rule " + rule.name() + ": ";
  }

  private static void add(
      Map<RetentionCandidate, List<Reason>> reasons,
      RetentionCandidate artifact,
      RetentionRule rule,
      String message) {
    reasons
        .computeIfAbsent(artifact, a -> new ArrayList<>(2))
        .add(new Reason(rule.name(), message));
  }

  private static String unselected(RetentionCandidate artifact) {
    if (artifact.untagged()) {
      return "it does not select untagged artifacts";
    }
    List<Tag> tags = artifact.tags();
    StringBuilder text =
        new StringBuilder(
            tags.size() == 1 ? "it does not select tag " : "it selects none of tags ");
    for (int i = 0; i < Math.min(tags.size(), LISTED_TAGS); i++) {
      text.append(i == 0 ? "" : ", ").append(tags.get(i));
    }
    if (tags.size() > LISTED_TAGS) {
      text.append(" and ").append(tags.size() - LISTED_TAGS).append(" more");
    }
    return text.toString();
  }

  /** A reason per immutable tag of {@code artifact}, naming the immutable rule. */
  private List<Reason> immutableTags(RetentionCandidate artifact) {
    List<Reason> reasons = new ArrayList<>(0);
    for (Tag tag : artifact.tags()) {
      Optional<String> rule = immutable.rule(artifact.repository(), tag);
      if (rule.isPresent()) {
        reasons.add(
            new Reason(
                rule.get(),
                "retained: tag "
                    + tag
                    + " is immutable (rule "
                    + rule.get()
                    + "); retention never removes it"));
      }
    }
    return reasons;
  }

  /** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, … */
  static String ordinal(int n) {
    int lastTwo = n % 100;
    if (lastTwo >= 11 && lastTwo <= 13) {
      return n + "th";
    }
    switch (n % 10) {
      case 1:
        return n + "st";
      case 2:
        return n + "nd";
      case 3:
        return n + "rd";
      default:
        return n + "th";
    }
  }
}
