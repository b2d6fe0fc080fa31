package io.wharf.oci.server.lifecycle;

import io.wharf.oci.model.Digest;
import io.wharf.oci.policy.retention.RetentionCandidate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link RetentionRun} did (or, in a dry run, would do): one outcome per top-level artifact
 * of the projects with retention rules, each with why.
 *
 * @param dryRun whether nothing was deleted
 * @param startedAt when the run started
 * @param finishedAt when it ended
 * @param projects the projects judged
 * @param outcomes one per artifact, by project, repository and the plan's order
 */
public record RetentionReport(
    boolean dryRun,
    Instant startedAt,
    Instant finishedAt,
    Set<String> projects,
    List<Outcome> outcomes) {

  /** Checks and copies. */
  public RetentionReport {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    projects = Set.copyOf(projects);
    outcomes = List.copyOf(outcomes);
  }

  /**
   * What happened to one artifact.
   *
   * @param artifact the artifact as it was judged
   * @param deleted whether it was (or, in a dry run, would be) deleted
   * @param reason which rule kept it, or why it goes
   * @param followers what went (or would go) with it: its referrers and the children of an index
   *     that nothing else listed
   */
  public record Outcome(
      RetentionCandidate artifact, boolean deleted, String reason, List<Digest> followers) {

    /** Checks and copies. */
    public Outcome {
      Objects.requireNonNull(artifact, "artifact");
      Objects.requireNonNull(reason, "reason");
      followers = List.copyOf(followers);
    }

    static Outcome kept(RetentionCandidate artifact, String reason) {
      return new Outcome(artifact, false, reason, List.of());
    }

    static Outcome deleted(RetentionCandidate artifact, String reason, List<Digest> followers) {
      return new Outcome(artifact, true, reason, followers);
    }
  }

  /** The outcomes of deleted artifacts. */
  public List<Outcome> deleted() {
    return outcomes.stream().filter(Outcome::deleted).toList();
  }

  /** A summary line, as the program prints and logs it. */
  public String summary() {
    long deleted = deleted().size();
    long followers = deleted().stream().mapToLong(o -> o.followers().size()).sum();
    return String.format(
        "retention (%s) in %d projects: %s %d of %d artifacts and %d referrers or children; %d ms",
        dryRun ? "dry run" : "applied",
        projects.size(),
        dryRun ? "would delete" : "deleted",
        deleted,
        outcomes.size(),
        followers,
        Duration.between(startedAt, finishedAt).toMillis());
  }

  /** The summary and one line per artifact, as {@code wharf retention} prints it. */
  public String toText() {
    StringBuilder out = new StringBuilder(summary()).append('\n');
    for (Outcome o : outcomes) {
      out.append(o.deleted() ? (dryRun ? "  would delete " : "  deleted ") : "  kept ")
          .append(o.artifact())
          .append(": ")
          .append(o.reason())
          .append('\n');
      for (Digest follower : o.followers()) {
        out.append("    with ").append(follower).append('\n');
      }
    }
    return out.toString();
  }
}
