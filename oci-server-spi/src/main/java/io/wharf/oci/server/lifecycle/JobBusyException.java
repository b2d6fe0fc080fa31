package io.wharf.oci.server.lifecycle;

import java.time.Instant;
import java.util.Optional;

/**
 * A run was asked of a job that is running or waiting to run already: runs of one job never
 * overlap, and a request does not queue behind one. The endpoint answers {@code 409}.
 */
public final class JobBusyException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String job;

  /** Job {@code job} is busy, running since {@code since} when it has started. */
  public JobBusyException(String job, Optional<Instant> since) {
    super(
        "lifecycle job "
            + job
            + (since.isPresent() ? " is running since " + since.get() : " is about to run")
            + "; ask again when it has ended");
    this.job = job;
  }

  /** The job's name. */
  public String job() {
    return job;
  }
}
