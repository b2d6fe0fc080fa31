package io.wharf.oci.storage.lifecycle;

/**
 * What a {@link GarbageCollector} run does.
 *
 * @param dryRun only report what would be deleted; a dry run always examines everything
 * @param full examine every repository and every stored blob, rather than only what the change
 *     journal names (what changed since earlier runs); a full run also finds blobs that were
 *     committed but never linked (an upload whose request died between the two)
 */
public record GcRequest(boolean dryRun, boolean full) {

  /** Reports what a full run would delete, deleting nothing. */
  public static GcRequest dryRunOnly() {
    return new GcRequest(true, true);
  }

  /** Collects what changed since earlier runs: the cheap run to schedule often. */
  public static GcRequest incremental() {
    return new GcRequest(false, false);
  }

  /** Examines and collects everything. */
  public static GcRequest fullRun() {
    return new GcRequest(false, true);
  }

  /** Normalises: a dry run is always full. */
  public GcRequest {
    full = full || dryRun;
  }
}
