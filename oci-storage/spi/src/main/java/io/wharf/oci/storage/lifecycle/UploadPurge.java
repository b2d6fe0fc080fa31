package io.wharf.oci.storage.lifecycle;

import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.UploadInfo;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Purges abandoned uploads: those that received no bytes for longer than a time to live are
 * cancelled, and their staged bytes deleted. An upload still receiving bytes is never purged,
 * however long it has been open. The engine also expires the idle upload sessions it holds; this
 * purge catches the rest (uploads of a process that died, of another node, or of a store opened
 * offline).
 */
public final class UploadPurge {

  /** The default time to live of an idle upload: 24 hours, as distribution's purge defaults to. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  private final BlobStore blobs;
  private final Duration ttl;
  private final Clock clock;

  /**
   * A purge of {@code blobs}' uploads idle for longer than {@code ttl}.
   *
   * @throws IllegalArgumentException when {@code ttl} is not positive
   */
  public UploadPurge(BlobStore blobs, Duration ttl, Clock clock) {
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("an upload time to live must be positive");
    }
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** What a purge removed. */
  public record Result(int purged, long bytes) {}

  /**
   * Cancels every upload idle since before now minus the time to live.
   *
   * @return how many uploads were removed and how many staged bytes they held
   */
  public Result run() throws IOException {
    Instant cutoff = clock.instant().minus(ttl);
    int purged = 0;
    long bytes = 0;
    for (UploadInfo info : blobs.uploads()) {
      if (!info.updatedAt().isBefore(cutoff)) {
        continue;
      }
      Optional<BlobUpload> upload = blobs.resumeUpload(info.id());
      if (upload.isPresent()) {
        upload.get().cancel();
        purged++;
        bytes += info.offset();
      }
    }
    return new Result(purged, bytes);
  }
}
