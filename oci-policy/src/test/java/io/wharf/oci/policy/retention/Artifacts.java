package io.wharf.oci.policy.retention;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Glob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Candidates for tests: distinct digests, times relative to {@link #NOW}. */
final class Artifacts {

  /** The instant rules are evaluated at. */
  static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

  private final List<RetentionCandidate> all = new ArrayList<>();
  private int next;

  /** Adds an artifact and returns it. */
  RetentionCandidate add(
      String repository, Duration pushedAgo, Optional<Duration> pulledAgo, String... tags) {
    RetentionCandidate candidate =
        new RetentionCandidate(
            RepositoryName.of(repository),
            digest(++next),
            Arrays.stream(tags).map(Tag::of).toList(),
            NOW.minus(pushedAgo),
            pulledAgo.map(NOW::minus));
    all.add(candidate);
    return candidate;
  }

  /** Adds an artifact never pulled. */
  RetentionCandidate pushed(String repository, Duration pushedAgo, String... tags) {
    return add(repository, pushedAgo, Optional.empty(), tags);
  }

  /** Every artifact added, in order. */
  List<RetentionCandidate> all() {
    return List.copyOf(all);
  }

  static Digest digest(int n) {
    return Digest.parse("sha256:" + String.format("%064x", n));
  }

  static Duration days(long n) {
    return Duration.ofDays(n);
  }

  static Duration hours(long n) {
    return Duration.ofHours(n);
  }

  static List<Glob> globs(String... patterns) {
    return Arrays.stream(patterns).map(Glob::compile).toList();
  }

  /** The tags of {@code decisions}' candidates, one string per candidate. */
  static List<String> tagsOf(List<RetentionDecision> decisions) {
    return decisions.stream()
        .map(d -> d.candidate().tags().stream().map(Tag::value).toList().toString())
        .toList();
  }

  /** The number of {@code decisions} in {@code repository}. */
  static long in(List<RetentionDecision> decisions, String repository) {
    return decisions.stream()
        .filter(d -> d.candidate().repository().value().equals(repository))
        .count();
  }

  /** The number of untagged candidates of {@code decisions}. */
  static long untagged(List<RetentionDecision> decisions) {
    return decisions.stream().filter(d -> d.candidate().untagged()).count();
  }
}
