package io.wharf.oci.server;

import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.RateLimitedException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.UploadId;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's open upload sessions: which repository each belongs to (an upload started in one
 * repository cannot be finished in another), when it was last used, and expiry. Sessions idle
 * longer than the expiry are cancelled and their data removed, checked at most once a minute when a
 * new upload starts.
 */
final class UploadSessions {

  private static final Logger log = LoggerFactory.getLogger(UploadSessions.class);
  private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

  /** One open session. */
  static final class Session {
    final RepositoryName repository;
    final BlobUpload upload;
    volatile Instant lastUsed;

    /**
     * Held while a request works on the upload. A lock rather than a monitor: a request holds it
     * while it reads its body from the network, and a virtual thread blocked inside {@code
     * synchronized} pins its carrier on Java 21 to 23.
     */
    final ReentrantLock lock = new ReentrantLock();

    Session(RepositoryName repository, BlobUpload upload, Instant now) {
      this.repository = repository;
      this.upload = upload;
      this.lastUsed = now;
    }
  }

  private final BlobStore blobs;
  private final Clock clock;
  private final Duration expiry;
  private final int max;
  private final Map<UploadId, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicReference<Instant> lastSweep;

  UploadSessions(BlobStore blobs, Clock clock, Duration expiry, int max) {
    this.blobs = blobs;
    this.clock = clock;
    this.expiry = expiry;
    this.max = max;
    this.lastSweep = new AtomicReference<>(Instant.MIN);
  }

  Session start(RepositoryName repository, DigestAlgorithm algorithm) throws IOException {
    sweepIfDue();
    if (sessions.size() >= max) {
      throw new RateLimitedException(
          ErrorCode.TOOMANYREQUESTS, "too many uploads in progress; try again later");
    }
    BlobUpload upload = blobs.newUpload(algorithm);
    Session s = new Session(repository, upload, clock.instant());
    sessions.put(upload.id(), s);
    return s;
  }

  /** The session {@code id} of {@code repository}, or BLOB_UPLOAD_UNKNOWN. */
  Session find(RepositoryName repository, String id) {
    UploadId uploadId = new UploadId(id);
    Session s = sessions.get(uploadId);
    if (s == null || !s.repository.equals(repository)) {
      throw new NotFoundException(
          ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + uploadId + " is not known in " + repository);
    }
    s.lastUsed = clock.instant();
    return s;
  }

  void end(Session s) {
    sessions.remove(s.upload.id(), s);
  }

  private void sweepIfDue() {
    Instant now = clock.instant();
    Instant last = lastSweep.get();
    if (last.plus(SWEEP_INTERVAL).isAfter(now) || !lastSweep.compareAndSet(last, now)) {
      return;
    }
    Instant cutoff = now.minus(expiry);
    for (Session s : sessions.values()) {
      if (s.lastUsed.isBefore(cutoff) && sessions.remove(s.upload.id(), s)) {
        try {
          s.lock.lock();
          try {
            s.upload.cancel();
          } finally {
            s.lock.unlock();
          }
        } catch (IOException | RuntimeException e) {
          log.warn("could not remove expired upload {}: {}", s.upload.id(), e.toString());
        }
      }
    }
    // Uploads no session knows (left by a restart) that started before the cutoff; skipped while a
    // live session that old is still in use, since the store purges by start time.
    boolean liveOldSession =
        sessions.values().stream().anyMatch(s -> s.upload.startedAt().isBefore(cutoff));
    if (liveOldSession) {
      return;
    }
    try {
      int purged = blobs.purgeUploads(cutoff);
      if (purged > 0) {
        log.info("removed {} expired uploads", purged);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("could not purge expired uploads: {}", e.toString());
    }
  }
}
