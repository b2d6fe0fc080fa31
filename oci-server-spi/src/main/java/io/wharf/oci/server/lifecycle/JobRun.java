package io.wharf.oci.server.lifecycle;

import io.wharf.oci.server.Identity;
import java.time.Instant;
import java.util.Objects;

/**
 * One run of a lifecycle job.
 *
 * @param job the job's name
 * @param id the run's id: the request's id for a run an administrator asked for, {@code
 *     lifecycle-<job>-<n>} for a scheduled one; the same as in its event
 * @param trigger what started it
 * @param actor who started it: {@link Lifecycle#ACTOR} for a scheduled run
 * @param startedAt when it started
 * @param finishedAt when it ended
 * @param succeeded whether it ended without failing
 * @param summary what it did, or why it failed, in one or more lines
 */
public record JobRun(
    String job,
    String id,
    Trigger trigger,
    Identity actor,
    Instant startedAt,
    Instant finishedAt,
    boolean succeeded,
    String summary) {

  /** What started a run. */
  public enum Trigger {
    /** The job's schedule. */
    SCHEDULE,
    /** A request ({@link Lifecycle#runNow}, the endpoint, {@code wharf gc --registry}). */
    REQUEST
  }

  /** Checks for nulls. */
  public JobRun {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(summary, "summary");
  }
}
