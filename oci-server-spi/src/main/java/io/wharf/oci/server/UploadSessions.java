package io.wharf.oci.server;

import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.error.RateLimitedException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.UploadId;
import io.wharf.oci.storage.UploadInfo;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's open upload sessions: which repository and client each belongs to (an upload
 * started in one repository cannot be finished in another), when it was last used, limits and
 * expiry.
 *
 * <h2>Kept in the store</h2>
 *
 * A session's repository and client are the label of its {@link BlobUpload}, so the store keeps
 * them with its bytes. After a restart (or a crash) the sessions the store lists are registered
 * again at the first request, idle since their last write; a session this registry does not hold is
 * looked up in the store when a request names it. The client then resumes where the store says: a
 * status request answers the offset the store holds.
 *
 * <h2>Limits</h2>
 *
 * A new session is refused with {@code 429 TOOMANYREQUESTS} and {@code Retry-After} when its client
 * (by address; IPv6 clients by their /64 network, which one host usually holds whole), its
 * repository, or the whole registry holds as many open sessions as allowed, so that one client's
 * flood of {@code POST}s does not stop other clients' pushes, nor one repository's flood pushes to
 * others. Before refusing, the sessions of that full group that are idle past the expiry are
 * removed; {@code Retry-After} is the time until the next of the rest expires when it stays idle
 * (at least one second).
 *
 * <h2>Expiry</h2>
 *
 * A session no request has used for the expiry (and that no request is using) is cancelled and its
 * bytes removed: when a limit is reached, and in a sweep of every session at most once a minute
 * when an upload starts. Uploads in the store that no session holds (left by a version without
 * labels) are purged by start time in the same sweep.
 */
final class UploadSessions {

  private static final Logger log = LoggerFactory.getLogger(UploadSessions.class);
  private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
  private static final String UNKNOWN_CLIENT = "unknown";

  /**
   * How many sessions may be open at once.
   *
   * @param perClient from one client address (IPv6: one /64 network)
   * @param perRepository in one repository
   * @param total in the whole registry
   */
  record Limits(int perClient, int perRepository, int total) {
    Limits {
      if (perClient <= 0 || perRepository <= 0 || total <= 0) {
        throw new IllegalArgumentException("upload session limits must be positive");
      }
    }
  }

  /** One open session. */
  static final class Session {
    final RepositoryName repository;
    final String client;
    private volatile @Nullable BlobUpload upload; // null while the store creates it
    volatile Instant lastUsed;

    /**
     * Held while a request writes to or commits the upload; other requests on the session do not
     * wait for it ({@code tryLock}). A lock rather than a monitor: a request holds it while it
     * reads its body from the network, and a virtual thread blocked inside {@code synchronized}
     * pins its carrier on Java 21 to 23.
     */
    final ReentrantLock lock = new ReentrantLock();

    Session(RepositoryName repository, String client, @Nullable BlobUpload upload, Instant now) {
      this.repository = repository;
      this.client = client;
      this.upload = upload;
      this.lastUsed = now;
    }

    BlobUpload upload() {
      return Objects.requireNonNull(upload, "upload not created yet");
    }

    /** Whether no request uses it and none has since {@code cutoff} (then it has expired). */
    boolean idleAt(Instant cutoff) {
      return upload != null && !lock.isLocked() && !lastUsed.isAfter(cutoff);
    }
  }

  /** A group of sessions that shares a limit. */
  private record Group(String name, Set<Session> members, int limit) {}

  private final BlobStore blobs;
  private final Clock clock;
  private final Duration expiry;
  private final Limits limits;
  private final Map<UploadId, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicReference<Instant> lastSweep = new AtomicReference<>(Instant.MIN);

  /** Guards the groups below, and the registration of sessions. */
  private final ReentrantLock admission = new ReentrantLock();

  private final Map<String, Set<Session>> byClient = new HashMap<>();
  private final Map<RepositoryName, Set<Session>> byRepository = new HashMap<>();
  private final Set<Session> all = new HashSet<>();
  private volatile boolean restored;

  UploadSessions(BlobStore blobs, Clock clock, Duration expiry, Limits limits) {
    this.blobs = blobs;
    this.clock = clock;
    this.expiry = expiry;
    this.limits = limits;
  }

  /**
   * Opens a session in {@code repository} for {@code client}.
   *
   * @throws RateLimitedException {@code TOOMANYREQUESTS} when a limit is reached; its detail
   *     carries {@code retryAfter}, in seconds
   */
  Session start(
      RepositoryName repository, Optional<InetSocketAddress> client, DigestAlgorithm algorithm)
      throws IOException {
    restoreOnce();
    sweepIfDue();
    String who = clientKey(client);
    Session s = new Session(repository, who, null, clock.instant());
    admit(s);
    try {
      BlobUpload upload = blobs.newUpload(algorithm, label(repository, who));
      s.upload = upload;
      sessions.put(upload.id(), s);
      return s;
    } catch (IOException | RuntimeException e) {
      release(s);
      throw e;
    }
  }

  /** The session {@code id} of {@code repository}, from memory or the store, or 404. */
  Session find(RepositoryName repository, String id) throws IOException {
    restoreOnce();
    UploadId uploadId = new UploadId(id);
    Session s = sessions.get(uploadId);
    if (s == null) {
      s = adopt(uploadId).orElse(null);
    }
    if (s == null || !s.repository.equals(repository)) {
      throw new NotFoundException(
          ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + uploadId + " is not known in " + repository);
    }
    s.lastUsed = clock.instant();
    return s;
  }

  /** Marks {@code s} used now, when a request on it ends. */
  void touch(Session s) {
    s.lastUsed = clock.instant();
  }

  /** Forgets {@code s}: it was committed or cancelled. */
  void end(Session s) {
    release(s);
  }

  // ------------------------------------------------------------------------------ the store

  /** The label a session's upload carries in the store. */
  static String label(RepositoryName repository, String client) {
    return "repository=" + repository.value() + " client=" + client;
  }

  /** The repository and client of {@code label}, when it is one of ours. */
  private static Optional<Session> fromLabel(String label, BlobUpload upload, Instant lastUsed) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : label.split(" ")) {
      int eq = field.indexOf('=');
      if (eq > 0) {
        fields.put(field.substring(0, eq), field.substring(eq + 1));
      }
    }
    String repository = fields.get("repository");
    String client = fields.get("client");
    if (repository == null || client == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Session(new RepositoryName(repository), client, upload, lastUsed));
    } catch (OciException e) {
      return Optional.empty(); // not a label this engine wrote
    }
  }

  /** Registers, once, the sessions the store holds: those an earlier process left. */
  private void restoreOnce() throws IOException {
    if (restored) {
      return;
    }
    admission.lock();
    try {
      if (restored) {
        return;
      }
      int count = 0;
      for (UploadInfo info : blobs.uploads()) {
        if (sessions.containsKey(info.id())) {
          continue;
        }
        Optional<BlobUpload> upload = blobs.resumeUpload(info.id());
        Optional<Session> s = upload.flatMap(u -> fromLabel(info.label(), u, info.updatedAt()));
        if (s.isPresent()) {
          register(s.get());
          count++;
        }
      }
      restored = true;
      if (count > 0) {
        log.info("resumed {} upload sessions kept in the store", count);
      }
    } finally {
      admission.unlock();
    }
  }

  /** The session of upload {@code id} that the store holds and this registry did not know. */
  private Optional<Session> adopt(UploadId id) throws IOException {
    Optional<BlobUpload> upload = blobs.resumeUpload(id);
    if (upload.isEmpty()) {
      return Optional.empty();
    }
    Optional<Session> found = fromLabel(upload.get().label(), upload.get(), clock.instant());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    admission.lock();
    try {
      Session known = sessions.get(id);
      if (known != null) {
        return Optional.of(known);
      }
      register(found.get());
      return found;
    } finally {
      admission.unlock();
    }
  }

  // ----------------------------------------------------------------------------- the limits

  /** Adds {@code s} to its groups, under {@link #admission}. */
  private void register(Session s) {
    byClient.computeIfAbsent(s.client, k -> new HashSet<>()).add(s);
    byRepository.computeIfAbsent(s.repository, k -> new HashSet<>()).add(s);
    all.add(s);
    if (s.upload != null) {
      sessions.put(s.upload.id(), s);
    }
  }

  private void release(Session s) {
    admission.lock();
    try {
      removeFrom(byClient, s.client, s);
      removeFrom(byRepository, s.repository, s);
      all.remove(s);
      BlobUpload upload = s.upload;
      if (upload != null) {
        sessions.remove(upload.id(), s);
      }
    } finally {
      admission.unlock();
    }
  }

  private static <K> void removeFrom(Map<K, Set<Session>> groups, K key, Session s) {
    Set<Session> members = groups.get(key);
    if (members != null && members.remove(s) && members.isEmpty()) {
      groups.remove(key);
    }
  }

  /**
   * Registers {@code s} when its client, repository and the registry have room; otherwise cancels
   * the expired sessions of the full group and tries again, or refuses.
   */
  private void admit(Session s) {
    while (true) {
      List<Session> expired = new ArrayList<>();
      admission.lock();
      try {
        Optional<Group> full = fullGroup(s);
        if (full.isEmpty()) {
          register(s);
          return;
        }
        Instant now = clock.instant();
        Instant cutoff = now.minus(expiry);
        for (Session member : full.get().members()) {
          if (member.idleAt(cutoff)) {
            expired.add(member);
          }
        }
        if (expired.isEmpty()) {
          throw tooMany(full.get(), now);
        }
        expired.forEach(this::forget);
      } finally {
        admission.unlock();
      }
      expired.forEach(UploadSessions::cancelExpired);
    }
  }

  /** Removes {@code s} from every group and from the sessions, under {@link #admission}. */
  private void forget(Session s) {
    removeFrom(byClient, s.client, s);
    removeFrom(byRepository, s.repository, s);
    all.remove(s);
    sessions.remove(s.upload().id(), s);
  }

  private Optional<Group> fullGroup(Session s) {
    Set<Session> client = byClient.getOrDefault(s.client, Set.of());
    if (client.size() >= limits.perClient()) {
      return Optional.of(new Group("from this client", client, limits.perClient()));
    }
    Set<Session> repository = byRepository.getOrDefault(s.repository, Set.of());
    if (repository.size() >= limits.perRepository()) {
      return Optional.of(
          new Group("in repository " + s.repository, repository, limits.perRepository()));
    }
    if (all.size() >= limits.total()) {
      return Optional.of(new Group("in this registry", all, limits.total()));
    }
    return Optional.empty();
  }

  /**
   * 429 with the seconds until the next session of {@code full} expires if it stays idle; a session
   * in use frees no sooner than the expiry from now.
   */
  private RateLimitedException tooMany(Group full, Instant now) {
    Instant next = now.plus(expiry);
    for (Session member : full.members()) {
      if (member.upload != null && !member.lock.isLocked()) {
        Instant expires = member.lastUsed.plus(expiry);
        if (expires.isBefore(next)) {
          next = expires;
        }
      }
    }
    long millis = Duration.between(now, next).toMillis();
    long seconds = Math.max(1, (millis + 999) / 1000);
    return new RateLimitedException(
        ErrorCode.TOOMANYREQUESTS,
        "too many upload sessions open "
            + full.name()
            + " (at most "
            + full.limit()
            + "); finish or cancel one, or try again in "
            + seconds
            + " s",
        Map.of("retryAfter", seconds));
  }

  /**
   * The key a client's sessions are counted under: its IPv4 address, or the /64 network of its IPv6
   * address (a host is usually given a whole /64).
   */
  static String clientKey(Optional<InetSocketAddress> client) {
    if (client.isEmpty()) {
      return UNKNOWN_CLIENT;
    }
    InetAddress address = client.get().getAddress();
    if (address == null) {
      return UNKNOWN_CLIENT;
    }
    if (address instanceof Inet6Address) {
      byte[] network = address.getAddress();
      for (int i = 8; i < network.length; i++) {
        network[i] = 0;
      }
      try {
        return InetAddress.getByAddress(network).getHostAddress() + "/64";
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException("16 bytes are an IPv6 address", e);
      }
    }
    return address.getHostAddress();
  }

  // ---------------------------------------------------------------------------------- expiry

  private static void cancelExpired(Session s) {
    try {
      s.upload().cancel();
      log.debug("upload {} in {} expired", s.upload().id(), s.repository);
    } catch (IOException | RuntimeException e) {
      log.warn("could not remove expired upload {}: {}", s.upload().id(), e.toString());
    }
  }

  private void sweepIfDue() {
    Instant now = clock.instant();
    Instant last = lastSweep.get();
    if (last.plus(SWEEP_INTERVAL).isAfter(now) || !lastSweep.compareAndSet(last, now)) {
      return;
    }
    Instant cutoff = now.minus(expiry);
    List<Session> expired = new ArrayList<>();
    boolean liveOldSession = false;
    admission.lock();
    try {
      for (Session s : List.copyOf(all)) {
        if (s.idleAt(cutoff)) {
          forget(s);
          expired.add(s);
        } else if (s.upload != null && s.upload().startedAt().isBefore(cutoff)) {
          liveOldSession = true;
        }
      }
    } finally {
      admission.unlock();
    }
    expired.forEach(UploadSessions::cancelExpired);
    // Uploads no session holds (without a label) that started before the cutoff; skipped while a
    // live session that old is still in use, since the store purges by start time.
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
