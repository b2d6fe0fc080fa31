package io.wharf.oci.storage.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link GarbageCollector} run did (or, in a dry run, would do).
 *
 * @param request what was asked
 * @param startedAt when the run started
 * @param finishedAt when it ended
 * @param gracePeriod the grace period: nothing written, pushed or linked more recently than this
 *     before the start was deleted
 * @param repositories how many repositories were examined
 * @param manifestsDeleted manifests deleted
 * @param linksRemoved blob links removed
 * @param blobsDeleted blobs whose bytes were deleted
 * @param bytesReclaimed the size of those blobs
 * @param keptYoung garbage kept because it is younger than the grace period (a later run collects
 *     it)
 * @param items what was deleted, at most {@link GarbageCollector.Builder#maxReportItems} of them
 * @param itemsTruncated whether more was deleted than {@code items} lists
 */
public record GcReport(
    GcRequest request,
    Instant startedAt,
    Instant finishedAt,
    Duration gracePeriod,
    long repositories,
    long manifestsDeleted,
    long linksRemoved,
    long blobsDeleted,
    long bytesReclaimed,
    long keptYoung,
    List<GcItem> items,
    boolean itemsTruncated) {

  /** Checks the components and copies the list. */
  public GcReport {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    items = List.copyOf(items);
  }

  /** A summary line, as the program prints and logs it. */
  public String summary() {
    String verb = request.dryRun() ? "would delete" : "deleted";
    return String.format(
        "garbage collection (%s, %s) %s %d manifests, %d blob links and %d blobs (%d bytes) in %d"
            + " repositories; %d kept as younger than %s; %d ms",
        request.dryRun() ? "dry run" : "applied",
        request.full() ? "full" : "incremental",
        verb,
        manifestsDeleted,
        linksRemoved,
        blobsDeleted,
        bytesReclaimed,
        repositories,
        keptYoung,
        gracePeriod,
        Duration.between(startedAt, finishedAt).toMillis());
  }

  /** The summary and one line per item, as {@code wharf gc} prints it. */
  public String toText() {
    StringBuilder out = new StringBuilder(summary()).append('\n');
    for (GcItem item : items) {
      out.append("  ").append(item.describe()).append('\n');
    }
    if (itemsTruncated) {
      out.append("  ... (more than ").append(items.size()).append(" items)\n");
    }
    return out.toString();
  }
}
