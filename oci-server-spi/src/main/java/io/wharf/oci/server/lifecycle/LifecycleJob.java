package io.wharf.oci.server.lifecycle;

/**
 * A job a {@link Lifecycle} runs on its schedule and on request: retention, for example, beside the
 * built-in garbage collection and upload purge. Runs of one job never overlap, and every run is on
 * the lifecycle's one thread, so a job needs no locking against itself; it should still be safe
 * while the registry serves.
 */
@FunctionalInterface
public interface LifecycleJob {

  /**
   * Runs once.
   *
   * @return a summary of what the run did, in one or more lines (for the log, the job's status and
   *     the {@link io.wharf.oci.server.RegistryEvent.Kind#LIFECYCLE_RUN} event)
   * @throws Exception when it failed; the failure is logged and recorded, and the job runs again at
   *     its next scheduled time
   */
  String run() throws Exception;
}
