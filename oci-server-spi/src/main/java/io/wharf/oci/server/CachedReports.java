package io.wharf.oci.server;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.policy.PolicyContext;
import io.wharf.oci.policy.vuln.ReportSource;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ReportSource} in front of another that remembers each manifest's report (or that it has
 * none) per repository, so that a vulnerability gate reads and parses a report once, not on every
 * pull. An entry goes when a referrer of its manifest is pushed or deleted: {@link #onEvent} hears
 * the registry's {@link RegistryEvent.Kind#MANIFEST_PUSHED} and {@link
 * RegistryEvent.Kind#MANIFEST_DELETED} events, which name the subject, and a gate can call {@link
 * #invalidate} at once when it admits a referrer's push.
 *
 * <p>A report read while an invalidation happens is not remembered, so that a pull that read the
 * referrers just before a report was attached cannot keep the old answer after the event. Between a
 * referrer's store and its event (milliseconds: events are delivered after the fact) a pull may
 * still see the old answer. At most {@code maxEntries} entries are kept; beyond, some are dropped.
 * Thread-safe.
 */
public final class CachedReports implements ReportSource, RegistryEventListener {

  private static final Set<RegistryEvent.Kind> KINDS =
      Collections.unmodifiableSet(
          EnumSet.of(RegistryEvent.Kind.MANIFEST_PUSHED, RegistryEvent.Kind.MANIFEST_DELETED));

  private record Key(RepositoryName repository, Digest manifest) {}

  private final ReportSource delegate;
  private final int maxEntries;
  private final ConcurrentHashMap<Key, Optional<VulnerabilityReport>> entries =
      new ConcurrentHashMap<>();
  private final AtomicLong invalidations = new AtomicLong();

  /**
   * A cache of {@code delegate}'s answers, at most {@code maxEntries} of them.
   *
   * @throws IllegalArgumentException when {@code maxEntries} is not positive
   */
  public CachedReports(ReportSource delegate, int maxEntries) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("a cache holds at least one entry");
    }
    this.maxEntries = maxEntries;
  }

  @Override
  public Optional<VulnerabilityReport> report(PolicyContext context, Digest manifest)
      throws IOException {
    Key key = new Key(context.repository(), manifest);
    Optional<VulnerabilityReport> known = entries.get(key);
    if (known != null) {
      return known;
    }
    long before = invalidations.get();
    Optional<VulnerabilityReport> read = delegate.report(context, manifest);
    if (invalidations.get() == before) {
      if (entries.size() >= maxEntries) {
        shrink();
      }
      entries.put(key, read);
      if (invalidations.get() != before) {
        entries.remove(key, read); // an invalidation raced the put: do not keep what it voided
      }
    }
    return read;
  }

  /** Forgets the report of manifest {@code subject} of {@code repository}. */
  public void invalidate(RepositoryName repository, Digest subject) {
    invalidations.incrementAndGet();
    entries.remove(new Key(repository, subject));
  }

  /** Forgets everything. */
  public void clear() {
    invalidations.incrementAndGet();
    entries.clear();
  }

  /** How many manifests' answers are remembered. */
  public int size() {
    return entries.size();
  }

  /** Pushes and deletes of manifests only: the cache adds nothing to a pull. */
  @Override
  public Set<RegistryEvent.Kind> kinds() {
    return KINDS;
  }

  /** Forgets the report of the subject of a referrer pushed or deleted. */
  @Override
  public void onEvent(RegistryEvent event) {
    if (event.kind() != RegistryEvent.Kind.MANIFEST_PUSHED
        && event.kind() != RegistryEvent.Kind.MANIFEST_DELETED) {
      return;
    }
    if (event.subject().isPresent() && event.repository().isPresent()) {
      invalidate(event.repository().get(), event.subject().get());
    }
  }

  /** Drops about a quarter of the entries (whichever the map yields first). */
  private void shrink() {
    int drop = Math.max(1, maxEntries / 4);
    Iterator<Key> it = entries.keySet().iterator();
    while (drop-- > 0 && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}
