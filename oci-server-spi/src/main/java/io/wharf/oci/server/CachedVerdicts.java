package io.wharf.oci.server;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.sign.SignatureVerdict;
import io.wharf.oci.policy.sign.SignatureVerdicts;
import io.wharf.oci.policy.sign.Signatures;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers the verdicts of signature rules per repository, manifest, policy revision and rule, so
 * that a signature is verified once, not on every pull. A manifest's verdicts go when its
 * signatures may have changed: a referrer of it is pushed or deleted ({@link
 * RegistryEvent.Kind#MANIFEST_PUSHED} and {@link RegistryEvent.Kind#MANIFEST_DELETED} name the
 * subject), or a cosign tag naming it ({@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}) is
 * pushed, moved or deleted. A gate also calls {@link #invalidate} at once when it admits such a
 * push or delete, so the next pull after the push answers sees the change.
 *
 * <p>A verdict computed while an invalidation happens is not remembered (as {@link CachedReports}
 * does), so that a pull that read the signatures just before one was attached cannot keep the old
 * answer. At most {@code maxEntries} manifests are remembered; beyond, some are dropped. A verdict
 * is kept for {@code maxAge} at most (default {@link #DEFAULT_MAX_AGE}): a signature or certificate
 * that expires after it was judged is noticed within that time. Thread-safe.
 */
public final class CachedVerdicts implements SignatureVerdicts, RegistryEventListener {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(CachedVerdicts.class);

  private static final Set<RegistryEvent.Kind> KINDS =
      Collections.unmodifiableSet(
          EnumSet.of(
              RegistryEvent.Kind.MANIFEST_PUSHED,
              RegistryEvent.Kind.MANIFEST_DELETED,
              RegistryEvent.Kind.TAG_MOVED,
              RegistryEvent.Kind.TAG_DELETED));

  private record Subject(RepositoryName repository, Digest manifest) {}

  private record Judged(long revision, String rule) {}

  /** A verdict and until when (the clock's milliseconds) it may be served. */
  private record Kept(SignatureVerdict verdict, long until) {}

  /** How long a verdict is kept by default: 10 minutes. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  private final int maxEntries;
  private final long maxAgeMillis;
  private final Clock clock;
  private final ConcurrentHashMap<Subject, Map<Judged, Kept>> entries = new ConcurrentHashMap<>();
  private final AtomicLong invalidations = new AtomicLong();

  /**
   * A cache of at most {@code maxEntries} manifests' verdicts, each kept {@link #DEFAULT_MAX_AGE}.
   *
   * @throws IllegalArgumentException when {@code maxEntries} is not positive
   */
  public CachedVerdicts(int maxEntries) {
    this(maxEntries, DEFAULT_MAX_AGE, Clock.systemUTC());
  }

  /**
   * A cache of at most {@code maxEntries} manifests' verdicts, each kept {@code maxAge} by {@code
   * clock}.
   *
   * @throws IllegalArgumentException when {@code maxEntries} or {@code maxAge} is not positive
   */
  public CachedVerdicts(int maxEntries, Duration maxAge, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("a cache holds at least one entry");
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("a verdict is kept for a positive time");
    }
    this.maxEntries = maxEntries;
    this.maxAgeMillis = maxAge.toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public SignatureVerdict verdict(Key key, Computation computation) throws IOException {
    Subject subject = new Subject(key.repository(), key.manifest());
    Judged judged = new Judged(key.revision(), key.rule());
    Map<Judged, Kept> known = entries.get(subject);
    if (known != null) {
      Kept kept = known.get(judged);
      if (kept != null && clock.millis() < kept.until()) {
        return kept.verdict();
      }
    }
    long before = invalidations.get();
    SignatureVerdict computed = computation.compute();
    if (computed.verified() && !computed.warnings().isEmpty()) {
      log.warn(
          "{}@{}: signature accepted by rule {} despite: {}",
          key.repository(),
          key.manifest(),
          key.rule(),
          String.join("; ", computed.warnings()));
    }
    if (invalidations.get() == before) {
      if (entries.size() >= maxEntries && !entries.containsKey(subject)) {
        shrink();
      }
      Map<Judged, Kept> forSubject =
          entries.computeIfAbsent(subject, s -> new ConcurrentHashMap<>(4));
      forSubject.put(judged, new Kept(computed, clock.millis() + maxAgeMillis));
      if (invalidations.get() != before) {
        invalidate(subject); // an invalidation raced the put: do not keep what it voided
      }
    }
    return computed;
  }

  /** Forgets every verdict on manifest {@code manifest} of {@code repository}. */
  public void invalidate(RepositoryName repository, Digest manifest) {
    invalidations.incrementAndGet();
    invalidate(new Subject(repository, manifest));
  }

  /**
   * Forgets the verdicts on the manifest a cosign tag names ({@code sha256-<hex>.sig}, {@code
   * .att}, {@code .sbom}); nothing for another tag.
   */
  public void invalidate(RepositoryName repository, Tag tag) {
    Optional<Digest> subject = Signatures.subjectOfTag(tag);
    if (subject.isPresent()) {
      invalidate(repository, subject.get());
    }
  }

  /** Forgets everything (a new policy set is in force). */
  public void clear() {
    invalidations.incrementAndGet();
    entries.clear();
  }

  /** How many verdicts are remembered (counted: call it in tests and metrics, not per request). */
  public int size() {
    int size = 0;
    for (Map<Judged, Kept> forSubject : entries.values()) {
      size += forSubject.size();
    }
    return size;
  }

  /**
   * Pushes and deletes of manifests, moves and deletes of tags: the cache adds nothing to a pull.
   */
  @Override
  public Set<RegistryEvent.Kind> kinds() {
    return KINDS;
  }

  /**
   * Forgets the verdicts on the subject of a referrer pushed or deleted, and on the manifests the
   * cosign tags pushed, moved or deleted name.
   */
  @Override
  public void onEvent(RegistryEvent event) {
    if (!KINDS.contains(event.kind()) || event.repository().isEmpty()) {
      return;
    }
    RepositoryName repository = event.repository().get();
    if (event.subject().isPresent()) {
      invalidate(repository, event.subject().get());
    }
    for (Tag tag : event.tags()) {
      invalidate(repository, tag);
    }
  }

  private void invalidate(Subject subject) {
    entries.remove(subject);
  }

  /** Drops about a quarter of the manifests (whichever the map yields first). */
  private void shrink() {
    int drop = Math.max(1, maxEntries / 4);
    Iterator<Subject> it = entries.keySet().iterator();
    while (drop-- > 0 && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}
