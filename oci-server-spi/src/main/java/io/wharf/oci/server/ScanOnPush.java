package io.wharf.oci.server;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.scanner.ScanReport;
import io.wharf.oci.policy.scanner.ScanRequest;
import io.wharf.oci.policy.scanner.ScanRequestId;
import io.wharf.oci.policy.scanner.ScannerClient;
import io.wharf.oci.policy.scanner.ScannerException;
import io.wharf.oci.policy.scanner.ScannerMetadata;
import io.wharf.oci.policy.vuln.ReportArtifacts;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scan on push: a {@link RegistryEventListener} that has every image pushed to the registry scanned
 * by a Harbor Pluggable Scanner adapter ({@link ScannerClient}) and stores the report as a referrer
 * of the image in the same repository, where the referrers API (end-12a) lists it and vulnerability
 * gates find it.
 *
 * <p>On a {@link RegistryEvent.Kind#MANIFEST_PUSHED} event, off the event thread, it reads the
 * manifest and scans it when it is an image: an image manifest without {@code subject} or {@code
 * artifactType} whose config is an image configuration and whose layers are image layers (not a
 * signature, SBOM or report), that has no Harbor report yet and whose media type the adapter
 * consumes. For an index without {@code subject}, it scans each image manifest the index lists
 * (each is judged on its own). It asks the adapter for Harbor's report ({@code
 * application/vnd.security.vulnerability.report; version=1.1}, else its 1.0 name), giving it the
 * registry's URL and an {@code Authorization} value to pull with, waits for the report, and stores
 * {@link ReportArtifacts}' manifest with the steps a push takes: the blobs put and linked to the
 * repository, then {@link MetadataStore#putManifest} (no tag), which records the referrer.
 *
 * <p>Work is bounded: at most {@link Builder#queueCapacity} scans wait or run; beyond that, scans
 * are dropped, counted ({@link Stats#dropped()}) and logged (a warning at most every 10 seconds),
 * and the event thread never waits. A scan already waiting or running for the same repository and
 * digest is not asked again. Failures are logged at WARN with the repository and digest (never a
 * credential: scanner messages carry none) and counted. Each stored report is told to the {@link
 * Builder#addListener listeners} as a {@code MANIFEST_PUSHED} event by {@link #ACTOR}, so that a
 * cache of facts can drop what it knew of the image.
 *
 * <p>Thread-safe. {@link #close()} stops its own threads (not an executor it was given).
 */
public final class ScanOnPush implements RegistryEventListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ScanOnPush.class);

  /** Who stores the reports, in the events told to listeners. */
  public static final Identity ACTOR = Identity.named("wharf-scan-on-push");

  /** How long the adapter's metadata is kept before it is asked again: 1 hour. */
  public static final Duration METADATA_TTL = Duration.ofHours(1);

  static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

  /**
   * What scan on push did so far.
   *
   * @param queued scans accepted (from push events and {@link #request})
   * @param stored reports stored as referrers (and told to the listeners)
   * @param skipped manifests not scanned: not an image, a referrer, already reported, gone, or of a
   *     media type the adapter does not scan
   * @param failed scans that failed (the adapter refused, the scan failed or timed out, storing
   *     failed)
   * @param dropped scans not accepted because {@link Builder#queueCapacity} were waiting or running
   */
  public record Stats(long queued, long stored, long skipped, long failed, long dropped) {}

  private record Key(RepositoryName repository, Digest digest) {}

  private final ScannerClient scanner;
  private final URI registryUrl;
  private final Function<RepositoryName, Optional<String>> pullAuthorization;
  private final BlobStore blobs;
  private final MetadataStore metadata;
  private final Executor executor;
  private final @Nullable ExecutorService ownExecutor;
  private final int capacity;
  private final Clock clock;
  private final List<RegistryEventListener> listeners;
  private final Set<Key> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lastDropWarning = new AtomicLong(Long.MIN_VALUE / 2);
  private final AtomicLong lastSkipWarning = new AtomicLong(Long.MIN_VALUE / 2);
  private final AtomicLong sequence = new AtomicLong();
  private final Object metadataLock = new Object();
  private @Nullable ScannerMetadata scannerMetadata;
  private Instant scannerMetadataAt = Instant.MIN;

  private ScanOnPush(Builder b) {
    this.scanner = b.scanner;
    this.registryUrl = b.registryUrl;
    this.pullAuthorization = b.pullAuthorization;
    RegistryStorage storage = b.storage.checked();
    this.blobs = storage.blobs();
    this.metadata = storage.metadata();
    this.capacity = b.queueCapacity;
    this.clock = b.clock;
    this.listeners = List.copyOf(b.listeners);
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownExecutor = null;
    } else {
      AtomicInteger n = new AtomicInteger();
      ExecutorService pool =
          Executors.newFixedThreadPool(
              b.threads,
              r -> {
                Thread t = new Thread(r, "wharf-scan-on-push-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      this.executor = pool;
      this.ownExecutor = pool;
    }
  }

  /**
   * A builder of scan on push with {@code scanner}, for the registry the adapter reaches at {@code
   * registryUrl} (its base URL, as the adapter can reach it; a trailing slash is dropped), storing
   * reports in {@code storage} (the registry's storage; wrapped in its checking decorators).
   */
  public static Builder builder(ScannerClient scanner, URI registryUrl, RegistryStorage storage) {
    return new Builder(scanner, registryUrl, storage);
  }

  /** Pushes only: scan on push adds nothing to a pull. */
  @Override
  public Set<RegistryEvent.Kind> kinds() {
    return EnumSet.of(RegistryEvent.Kind.MANIFEST_PUSHED);
  }

  /** Queues a scan of the manifest each {@code MANIFEST_PUSHED} event names; never waits. */
  @Override
  public void onEvent(RegistryEvent event) {
    if (event.kind() != RegistryEvent.Kind.MANIFEST_PUSHED
        || event.repository().isEmpty()
        || event.digest().isEmpty()
        || event.actor().equals(ACTOR)
        || !event.mediaType().map(MediaType::isManifest).orElse(true)) {
      return;
    }
    Optional<Tag> tag =
        event.tags().stream().sorted((a, b) -> a.value().compareTo(b.value())).findFirst();
    submit(event.repository().get(), event.digest().get(), tag);
  }

  /**
   * Asks for a scan of manifest {@code digest} of {@code repository} (for a gate that found an
   * image without a report), unless one is already waiting or running for it. Never waits.
   *
   * @return whether a scan was queued (false when one is in flight or the queue is full)
   */
  public boolean request(RepositoryName repository, Digest digest) {
    return submit(
        Objects.requireNonNull(repository, "repository"),
        Objects.requireNonNull(digest, "digest"),
        Optional.empty());
  }

  /** The counts so far. */
  public Stats stats() {
    return new Stats(queued.get(), stored.get(), skipped.get(), failed.get(), dropped.get());
  }

  /** Stops its own threads, interrupting scans in progress; an executor it was given stays. */
  @Override
  public void close() {
    ExecutorService pool = ownExecutor;
    if (pool != null) {
      pool.shutdownNow();
      try {
        if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("scan on push: scans still running after 5 s at close");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "ScanOnPush[" + scanner + ", " + stats() + "]";
  }

  // ------------------------------------------------------------------------------------------

  private boolean submit(RepositoryName repository, Digest digest, Optional<Tag> tag) {
    Key key = new Key(repository, digest);
    if (!inFlight.add(key)) {
      return false;
    }
    if (pending.incrementAndGet() > capacity) {
      release(key);
      overflow(key);
      return false;
    }
    try {
      executor.execute(() -> run(key, tag));
    } catch (RejectedExecutionException e) {
      release(key);
      overflow(key);
      return false;
    }
    queued.incrementAndGet();
    return true;
  }

  private void release(Key key) {
    pending.decrementAndGet();
    inFlight.remove(key);
  }

  private void overflow(Key key) {
    long n = dropped.incrementAndGet();
    if (rateLimit(lastDropWarning)) {
      log.warn(
          "scan on push: {} scans waiting or running, the most allowed; the scan of {}@{} is"
              + " dropped ({} dropped so far)",
          capacity,
          key.repository(),
          key.digest(),
          n);
    }
  }

  /** Whether a warning timed by {@code last} may be logged now (one per {@link #WARN_INTERVAL}). */
  private boolean rateLimit(AtomicLong last) {
    long now = clock.millis();
    long then = last.get();
    return now - then >= WARN_INTERVAL.toMillis() && last.compareAndSet(then, now);
  }

  private void run(Key key, Optional<Tag> tag) {
    try {
      scan(key.repository(), key.digest(), tag);
    } catch (ScannerException e) {
      failed.incrementAndGet();
      log.warn(
          "scan on push: scan of {}@{} failed: {}", key.repository(), key.digest(), e.getMessage());
    } catch (IOException | RuntimeException e) {
      failed.incrementAndGet();
      log.warn(
          "scan on push: scan of {}@{} failed: {}", key.repository(), key.digest(), e.toString());
    } finally {
      release(key);
    }
  }

  private void scan(RepositoryName repository, Digest digest, Optional<Tag> tag)
      throws IOException {
    Optional<RawManifest> raw = metadata.getManifest(repository, digest);
    if (raw.isEmpty()) {
      skip(repository, digest, "it is gone");
      return;
    }
    Manifest manifest = raw.get().parse();
    if (manifest.subject().isPresent() || manifest.artifactType().isPresent()) {
      skip(repository, digest, "it is a referrer or an artifact");
      return;
    }
    if (manifest instanceof ImageIndex) {
      skipped.incrementAndGet();
      for (Descriptor child : ((ImageIndex) manifest).manifests()) {
        if (child.mediaType().isImageManifest()) {
          submit(repository, child.digest(), Optional.empty());
        }
      }
      return;
    }
    if (!isImage((ImageManifest) manifest)) {
      skip(repository, digest, "it is not an image");
      return;
    }
    if (!metadata
        .referrers(repository, digest, Optional.of(ReportFormat.HARBOR.mediaType()))
        .isEmpty()) {
      skip(repository, digest, "it has a report");
      return;
    }
    ScannerMetadata adapter = scannerMetadata();
    MediaType type = raw.get().mediaType();
    Optional<MediaType> reportType = adapter.vulnerabilityReportType(type);
    if (reportType.isEmpty()) {
      skipped.incrementAndGet();
      // A configuration problem rather than a property of the image: said at WARN, rate-limited.
      if (rateLimit(lastSkipWarning)) {
        log.warn(
            "scan on push: {} makes no Harbor vulnerability report of a {}; {}@{} and others like"
                + " it are not scanned",
            adapter.describe(),
            type,
            repository,
            digest);
      }
      return;
    }
    ScanRequest request =
        ScanRequest.of(registryUrl, repository, digest, type)
            .withReportTypes(List.of(reportType.get()));
    Optional<String> authorization = pullAuthorization.apply(repository);
    if (authorization.isPresent()) {
      request = request.withRegistryAuthorization(authorization.get());
    }
    if (tag.isPresent()) {
      request = request.withTag(tag.get());
    }
    ScanRequestId id = scanner.scan(request);
    ScanReport report = scanner.awaitReport(id, reportType.get());
    RawManifest referrer = store(repository, raw.get(), report);
    log.debug("scan on push: stored report {} of {}@{}", referrer.digest(), repository, digest);
    tell(repository, referrer, digest);
    stored.incrementAndGet();
  }

  private void skip(RepositoryName repository, Digest digest, String why) {
    skipped.incrementAndGet();
    log.debug("scan on push: {}@{} not scanned: {}", repository, digest, why);
  }

  /** An image: an image configuration and image layers only. */
  private static boolean isImage(ImageManifest m) {
    MediaType config = m.config().mediaType();
    if (!config.is(MediaType.OCI_IMAGE_CONFIG) && !config.is(MediaType.DOCKER_CONTAINER_CONFIG)) {
      return false;
    }
    return m.layers().stream().allMatch(l -> l.mediaType().isLayer());
  }

  private ScannerMetadata scannerMetadata() throws IOException {
    Instant now = clock.instant();
    synchronized (metadataLock) {
      ScannerMetadata m = scannerMetadata;
      if (m != null && now.isBefore(scannerMetadataAt.plus(METADATA_TTL))) {
        return m;
      }
    }
    ScannerMetadata fresh = scanner.metadata();
    synchronized (metadataLock) {
      scannerMetadata = fresh;
      scannerMetadataAt = now;
    }
    return fresh;
  }

  /** Stores the report's referrer as a push does: blobs put and linked, then the manifest. */
  private RawManifest store(RepositoryName repository, RawManifest image, ScanReport report)
      throws IOException {
    Instant now = clock.instant();
    ReportArtifacts artifacts =
        ReportArtifacts.of(ReportFormat.HARBOR, report.bytes(), image.descriptor(), now);
    for (ReportArtifacts.Blob blob : artifacts.blobs()) {
      Digest d = blob.descriptor().digest();
      // A garbage collection may delete the bytes between the look and the link: then put again.
      for (int attempt = 0; ; attempt++) {
        Optional<BlobInfo> info = blobs.stat(d);
        if (info.isEmpty()) {
          try (InputStream in = blob.content().openStream()) {
            info = Optional.of(blobs.put(in, d));
          }
        }
        if (BlobLinks.link(metadata, blobs, repository, info.get())) {
          break;
        }
        if (attempt == 2) {
          throw new IOException("blob " + d + " was garbage-collected three times while stored");
        }
      }
    }
    metadata.putManifest(repository, ManifestPut.of(artifacts.manifest(), Set.of(), now));
    return artifacts.manifest();
  }

  private void tell(RepositoryName repository, RawManifest referrer, Digest subject) {
    if (listeners.isEmpty()) {
      return;
    }
    RegistryEvent event =
        new RegistryEvent(
            RegistryEvent.Kind.MANIFEST_PUSHED,
            clock.instant(),
            "scan-on-push-" + sequence.incrementAndGet(),
            Optional.of(Endpoint.MANIFEST_PUT),
            ACTOR,
            Optional.empty(),
            Optional.of(repository),
            Optional.of(referrer.digest()),
            Optional.of(referrer.mediaType()),
            Optional.of(subject),
            Set.of(),
            Optional.empty(),
            Optional.empty(),
            201,
            List.of(),
            List.of());
    for (RegistryEventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("scan on push: listener {} failed: {}", l, e.toString());
      }
    }
  }

  /**
   * Configures {@link ScanOnPush}. Defaults: the adapter pulls anonymously, 2 threads of its own,
   * at most 1,000 scans waiting or running, the system clock, no listeners.
   */
  public static final class Builder {
    private final ScannerClient scanner;
    private final URI registryUrl;
    private final RegistryStorage storage;
    private Function<RepositoryName, Optional<String>> pullAuthorization = r -> Optional.empty();
    private int threads = 2;
    private int queueCapacity = 1000;
    private @Nullable Executor executor;
    private Clock clock = Clock.systemUTC();
    private final List<RegistryEventListener> listeners = new ArrayList<>();

    private Builder(ScannerClient scanner, URI registryUrl, RegistryStorage storage) {
      this.scanner = Objects.requireNonNull(scanner, "scanner");
      Objects.requireNonNull(registryUrl, "registryUrl");
      // Adapters append /v2/...: a base URL ending in a slash would make their paths //v2/...
      String url = registryUrl.toString();
      this.registryUrl = url.endsWith("/") ? URI.create(url.replaceAll("/+$", "")) : registryUrl;
      ScanRequest.of(
          registryUrl,
          new RepositoryName("check"),
          Digest.parse("sha256:" + "0".repeat(64)),
          MediaType.OCI_IMAGE_MANIFEST); // validates the URL as a scan request would
      this.storage = Objects.requireNonNull(storage, "storage");
    }

    /**
     * The {@code Authorization} value the adapter pulls a repository's manifests and blobs with (a
     * short-lived token with pull access to it), per repository; empty for an anonymous pull.
     * Called on a scan thread for each scan; the value is a secret, never logged.
     */
    public Builder pullAuthorization(Function<RepositoryName, Optional<String>> authorization) {
      this.pullAuthorization = Objects.requireNonNull(authorization, "authorization");
      return this;
    }

    /** How many threads of its own scan (default 2); ignored when given an {@link #executor}. */
    public Builder threads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be positive");
      }
      this.threads = threads;
      return this;
    }

    /** Runs scans on {@code executor} instead of threads of its own. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** How many scans may wait or run at once (default 1,000); more are dropped and counted. */
    public Builder queueCapacity(int capacity) {
      if (capacity <= 0) {
        throw new IllegalArgumentException("queueCapacity must be positive");
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** The clock of the reports' {@code created} annotation and the events (default system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Tells {@code listener} of each stored report, as a {@code MANIFEST_PUSHED} event. */
    public Builder addListener(RegistryEventListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Scan on push; with threads of its own, they start on the first scan. */
    public ScanOnPush build() {
      return new ScanOnPush(this);
    }
  }
}
