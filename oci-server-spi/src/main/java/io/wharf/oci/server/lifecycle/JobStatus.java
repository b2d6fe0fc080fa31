package io.wharf.oci.server.lifecycle;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A lifecycle job as it stands.
 *
 * @param name the job's name
 * @param schedule when it runs; empty for a job that runs only on request
 * @param nextRun when it runs next; empty before {@link Lifecycle#start()}, after {@link
 *     Lifecycle#close()}, and for a job without a schedule
 * @param runningSince when the run going on started, if one is
 * @param lastRun the last run that ended, if any
 */
public record JobStatus(
    String name,
    Optional<Schedule> schedule,
    Optional<Instant> nextRun,
    Optional<Instant> runningSince,
    Optional<JobRun> lastRun) {

  /** Checks for nulls. */
  public JobStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(nextRun, "nextRun");
    Objects.requireNonNull(runningSince, "runningSince");
    Objects.requireNonNull(lastRun, "lastRun");
  }
}
