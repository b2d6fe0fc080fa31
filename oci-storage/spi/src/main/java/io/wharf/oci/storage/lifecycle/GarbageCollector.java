package io.wharf.oci.storage.lifecycle;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobLink;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.ContentReference;
import io.wharf.oci.storage.JournalBatch;
import io.wharf.oci.storage.LifecycleStore;
import io.wharf.oci.storage.ManifestNode;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.RepositoryContent;
import io.wharf.oci.storage.StoredBlob;
import io.wharf.oci.storage.TagRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Online garbage collection over any {@link RegistryStorage}: it runs while pushes, pulls, mounts
 * and deletes go on, with no read-only window.
 *
 * <p><b>Mark.</b> Per repository, from one consistent read ({@link LifecycleStore#content}): the
 * manifests tags point at are live; so is every manifest when untagged manifests are kept (the
 * default, as in distribution and Harbor), or else every manifest pushed within the grace period;
 * what a live index lists is live, and so are the referrers (signatures, SBOMs, scan reports) of a
 * live manifest. A blob link is live when a manifest that stays refers to it, or it was linked or
 * lost its last user within the grace period (a manifest deleted by this run dates the links of its
 * blobs again: a later run takes them). A blob is live while any repository links it or it was
 * written within the grace period (an upload between its commit and its link).
 *
 * <p><b>Sweep.</b> Only through {@link LifecycleStore}'s conditional deletes, each of which
 * re-checks at the moment it runs that its target is still garbage: a manifest tagged, listed or
 * pushed meanwhile stays, a link a new manifest refers to stays, and a blob is deleted only while
 * no repository can link it ({@link LifecycleStore#sweepBlobs}) and only if it was not committed
 * again ({@link BlobStore#deleteIfWrittenBefore}). So what this run read can be outdated without
 * harm. Manifests go parents first (an index before the children only it listed), subjects before
 * their referrers (which go with them).
 *
 * <p><b>Incremental.</b> A run that is not {@linkplain GcRequest#full() full} examines only what
 * the store's change journal names: repositories written since they were last examined and blobs
 * whose last link went. What it finds too young it journals again, so that a later run comes back
 * to it. A full run examines everything, and also finds blobs committed but never linked.
 *
 * <p>A crash at any point loses nothing that was referenced: each delete is atomic, and a blob's
 * bytes are deleted only after no repository links it. Runs of one collector never overlap (a
 * second caller waits); runs on several nodes may overlap, which the conditional deletes make safe.
 */
public final class GarbageCollector {

  /** The default grace period: 24 hours. */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofHours(24);

  /** The default cap on the items a report lists. */
  public static final int DEFAULT_MAX_REPORT_ITEMS = 10_000;

  private static final int REPOSITORY_PAGE = 1_000;

  private final BlobStore blobs;
  private final LifecycleStore lifecycle;
  private final io.wharf.oci.storage.MetadataStore metadata;
  private final Duration gracePeriod;
  private final boolean deleteUntagged;
  private final Clock clock;
  private final int batchSize;
  private final int maxReportItems;
  private final double dutyCycle;
  private final ReentrantLock running = new ReentrantLock();

  private GarbageCollector(Builder b) {
    this.blobs = b.storage.blobs();
    this.metadata = b.storage.metadata();
    this.lifecycle = metadata.lifecycle();
    this.gracePeriod = b.gracePeriod;
    this.deleteUntagged = b.deleteUntagged;
    this.clock = b.clock;
    this.batchSize = b.batchSize;
    this.maxReportItems = b.maxReportItems;
    this.dutyCycle = b.dutyCycle;
  }

  /** A collector over {@code storage}, with the defaults the builder documents. */
  public static Builder builder(RegistryStorage storage) {
    return new Builder(storage);
  }

  /** The grace period this collector keeps young content for. */
  public Duration gracePeriod() {
    return gracePeriod;
  }

  /** Whether untagged manifests that nothing kept refers to are collected. */
  public boolean deletesUntagged() {
    return deleteUntagged;
  }

  /**
   * Runs once, as {@code request} says; a run already going on in this collector is waited for.
   *
   * @throws IOException when the storage fails; what was deleted before stays deleted, and a later
   *     run continues
   */
  public GcReport run(GcRequest request) throws IOException {
    Objects.requireNonNull(request, "request");
    running.lock();
    try {
      return new Run(request).execute();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      running.unlock();
    }
  }

  /** One run: its cutoff, its counters and its report items. */
  private final class Run {
    private final GcRequest request;
    private final Instant startedAt;
    private final Instant cutoff;
    private final List<GcItem> items = new ArrayList<>();
    private boolean truncated;
    private long repositories;
    private long manifestsDeleted;
    private long linksRemoved;
    private long blobsDeleted;
    private long bytesReclaimed;
    private long keptYoung;
    private final Pacer pacer = new Pacer(dutyCycle);

    /** Full runs: digests some repository keeps a link to (as this run read it). */
    private final Set<Digest> keptLinks = new HashSet<>();

    Run(GcRequest request) {
      this.request = request;
      this.startedAt = clock.instant();
      this.cutoff = startedAt.minus(gracePeriod);
    }

    GcReport execute() throws IOException {
      if (request.full()) {
        fullRun();
      } else {
        incrementalRun();
      }
      return new GcReport(
          request,
          startedAt,
          clock.instant(),
          gracePeriod,
          repositories,
          manifestsDeleted,
          linksRemoved,
          blobsDeleted,
          bytesReclaimed,
          keptYoung,
          items,
          truncated);
    }

    // ------------------------------------------------------------------------------ full runs

    private void fullRun() throws IOException {
      Optional<String> last = Optional.empty();
      do {
        Page<RepositoryName> page = metadata.repositories(new PageRequest(REPOSITORY_PAGE, last));
        for (RepositoryName repository : page.items()) {
          repository(repository);
          pacer.step();
        }
        last = page.next();
      } while (last.isPresent());
      List<StoredBlob> batch = new ArrayList<>(batchSize);
      long listed = 0;
      try (Stream<StoredBlob> inventory = blobs.inventory()) {
        Iterator<StoredBlob> it = inventory.iterator();
        while (it.hasNext()) {
          StoredBlob blob = it.next();
          if (++listed % batchSize == 0) {
            pacer.step();
          }
          if (keptLinks.contains(blob.digest())) {
            continue;
          }
          if (!blob.writtenAt().isBefore(cutoff)) {
            keptYoung++;
            continue;
          }
          batch.add(blob);
          if (batch.size() == batchSize) {
            sweep(batch);
            batch.clear();
            pacer.step();
          }
        }
      }
      sweep(batch);
    }

    private void sweep(List<StoredBlob> batch) throws IOException {
      if (batch.isEmpty()) {
        return;
      }
      Map<Digest, StoredBlob> byDigest = new LinkedHashMap<>();
      batch.forEach(b -> byDigest.put(b.digest(), b));
      if (request.dryRun()) {
        for (StoredBlob blob : batch) {
          blobDeleted(blob.digest(), blob.size());
        }
        return;
      }
      List<Digest> deleted =
          lifecycle.sweepBlobs(
              byDigest.keySet(), digest -> blobs.deleteIfWrittenBefore(digest, cutoff));
      for (Digest digest : deleted) {
        blobDeleted(digest, byDigest.get(digest).size());
      }
    }

    private void blobDeleted(Digest digest, long size) {
      blobsDeleted++;
      bytesReclaimed += size;
      item(new GcItem(GcItem.Kind.BLOB, Optional.empty(), digest, size, "no repository links it"));
    }

    // ----------------------------------------------------------------------- incremental runs

    private void incrementalRun() throws IOException {
      Set<RepositoryName> doneRepositories = new HashSet<>();
      Set<Digest> doneBlobs = new HashSet<>();
      while (true) {
        JournalBatch batch = lifecycle.journal(batchSize);
        if (batch.isEmpty()) {
          return;
        }
        // Entries this run already handled that were written again since: leave them to the
        // next run, and end this one (the journal has been read round once).
        Set<RepositoryName> repositoriesNow = new HashSet<>(batch.repositories());
        repositoriesNow.removeAll(doneRepositories);
        Set<Digest> blobsNow = new HashSet<>(batch.blobs());
        blobsNow.removeAll(doneBlobs);
        boolean roundDone =
            repositoriesNow.size() < batch.repositories().size()
                || blobsNow.size() < batch.blobs().size();
        List<RepositoryName> young = new ArrayList<>();
        for (RepositoryName repository : sorted(repositoriesNow)) {
          if (repository(repository)) {
            young.add(repository);
          }
          pacer.step();
        }
        List<Digest> youngBlobs = sweepJournaled(blobsNow);
        if (!young.isEmpty() || !youngBlobs.isEmpty()) {
          lifecycle.remember(young, youngBlobs);
        }
        lifecycle.trimJournal(new JournalBatch(batch.upTo(), repositoriesNow, blobsNow));
        pacer.step();
        doneRepositories.addAll(repositoriesNow);
        doneBlobs.addAll(blobsNow);
        if (roundDone || (repositoriesNow.isEmpty() && blobsNow.isEmpty())) {
          return;
        }
      }
    }

    /** Sweeps journaled blobs; returns those kept as too young. */
    private List<Digest> sweepJournaled(Set<Digest> candidates) throws IOException {
      if (candidates.isEmpty()) {
        return List.of();
      }
      Map<Digest, Long> sizes = new HashMap<>();
      List<Digest> young = new ArrayList<>();
      List<Digest> deleted =
          lifecycle.sweepBlobs(
              sorted(candidates),
              digest -> {
                Optional<io.wharf.oci.storage.BlobInfo> info = blobs.stat(digest);
                if (info.isEmpty()) {
                  return false;
                }
                sizes.put(digest, info.get().size());
                if (blobs.deleteIfWrittenBefore(digest, cutoff)) {
                  return true;
                }
                if (blobs.stat(digest).isPresent()) {
                  young.add(digest);
                }
                return false;
              });
      for (Digest digest : deleted) {
        blobDeleted(digest, sizes.getOrDefault(digest, 0L));
      }
      keptYoung += young.size();
      return young;
    }

    // --------------------------------------------------------------------------- repositories

    /**
     * Marks and collects one repository.
     *
     * @return whether it holds garbage kept only as too young (a later run must look again)
     */
    private boolean repository(RepositoryName repository) throws IOException {
      repositories++;
      RepositoryContent content = lifecycle.content(repository);
      Map<Digest, ManifestNode> manifests = new LinkedHashMap<>();
      Map<Digest, List<ManifestNode>> referrers = new HashMap<>();
      for (ManifestNode node : content.manifests()) {
        manifests.put(node.digest(), node);
        node.subject()
            .ifPresent(s -> referrers.computeIfAbsent(s, k -> new ArrayList<>()).add(node));
      }
      boolean young = false;
      Deque<Digest> roots = new ArrayDeque<>();
      for (TagRecord tag : content.tags()) {
        roots.add(tag.digest());
      }
      for (ManifestNode node : content.manifests()) {
        boolean recent = !node.pushedAt().isBefore(cutoff);
        if (!deleteUntagged || recent) {
          roots.add(node.digest());
        }
      }
      Set<Digest> live = mark(roots, manifests, referrers);
      if (deleteUntagged) {
        Set<Digest> tagged = mark(tagRoots(content), manifests, referrers);
        for (ManifestNode node : content.manifests()) {
          if (!node.pushedAt().isBefore(cutoff) && !tagged.contains(node.digest())) {
            keptYoung++;
            young = true;
          }
        }
      }
      Set<Digest> stays = new HashSet<>(manifests.keySet());
      List<ManifestNode> garbage = new ArrayList<>();
      for (ManifestNode node : content.manifests()) {
        if (!live.contains(node.digest())) {
          garbage.add(node);
        }
      }
      // The store dates again the links of a manifest it deletes: they are young now.
      Set<Digest> unusedNow = new HashSet<>();
      for (ManifestNode node : collectManifests(repository, garbage)) {
        stays.remove(node.digest());
        for (ContentReference ref : node.references()) {
          if (ref.kind().isBlob()) {
            unusedNow.add(ref.target());
          }
        }
      }
      Set<Digest> referenced = new HashSet<>();
      for (Digest digest : stays) {
        for (ContentReference ref : manifests.get(digest).references()) {
          if (ref.kind().isBlob()) {
            referenced.add(ref.target());
          }
        }
      }
      Map<Digest, BlobLink> garbageLinks = new LinkedHashMap<>();
      for (BlobLink link : content.links()) {
        if (referenced.contains(link.digest())) {
          keptLinks.add(link.digest());
        } else if (!link.linkedAt().isBefore(cutoff) || unusedNow.contains(link.digest())) {
          keptLinks.add(link.digest());
          keptYoung++;
          young = true;
        } else {
          garbageLinks.put(link.digest(), link);
        }
      }
      collectLinks(repository, garbageLinks);
      return young;
    }

    /**
     * Removes the garbage {@code links} of {@code repository}, a batch per call; those the store
     * keeps (a manifest pushed or a link made since they were read) count as kept.
     */
    private void collectLinks(RepositoryName repository, Map<Digest, BlobLink> links)
        throws IOException {
      List<Digest> digests = new ArrayList<>(links.keySet());
      for (int from = 0; from < digests.size(); from += batchSize) {
        List<Digest> batch = digests.subList(from, Math.min(digests.size(), from + batchSize));
        Set<Digest> removed =
            request.dryRun()
                ? new HashSet<>(batch)
                : new HashSet<>(lifecycle.collectLinks(repository, batch, cutoff));
        for (Digest digest : batch) {
          if (!removed.contains(digest)) {
            keptLinks.add(digest);
            continue;
          }
          linksRemoved++;
          item(
              new GcItem(
                  GcItem.Kind.LINK,
                  Optional.of(repository),
                  digest,
                  links.get(digest).size(),
                  "no manifest of the repository refers to it"));
        }
        pacer.step();
      }
    }

    private Deque<Digest> tagRoots(RepositoryContent content) {
      Deque<Digest> roots = new ArrayDeque<>();
      content.tags().forEach(t -> roots.add(t.digest()));
      return roots;
    }

    /** Collects garbage manifests, parents and subjects first; returns those deleted. */
    private List<ManifestNode> collectManifests(
        RepositoryName repository, List<ManifestNode> garbage) throws IOException {
      List<ManifestNode> deleted = new ArrayList<>();
      if (request.dryRun()) {
        deleted.addAll(garbage);
      } else {
        List<ManifestNode> pending = new ArrayList<>(garbage);
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
          progress = false;
          for (Iterator<ManifestNode> it = pending.iterator(); it.hasNext(); ) {
            ManifestNode node = it.next();
            if (lifecycle.collectManifest(repository, node.digest(), cutoff)) {
              deleted.add(node);
              it.remove();
              progress = true;
            }
          }
        }
      }
      for (ManifestNode node : deleted) {
        manifestsDeleted++;
        item(
            new GcItem(
                GcItem.Kind.MANIFEST,
                Optional.of(repository),
                node.digest(),
                node.size(),
                node.subject().isPresent()
                    ? "a referrer whose subject is garbage or absent"
                    : "untagged, listed by no kept index"));
      }
      return deleted;
    }

    private void item(GcItem item) {
      if (items.size() < maxReportItems) {
        items.add(item);
      } else {
        truncated = true;
      }
    }
  }

  /** What {@code roots} keep alive: themselves, the children they list, their referrers. */
  private static Set<Digest> mark(
      Deque<Digest> roots,
      Map<Digest, ManifestNode> manifests,
      Map<Digest, List<ManifestNode>> referrers) {
    Set<Digest> live = new HashSet<>();
    Deque<Digest> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      Digest digest = todo.pop();
      if (!live.add(digest)) {
        continue;
      }
      ManifestNode node = manifests.get(digest);
      if (node != null) {
        for (ContentReference ref : node.references()) {
          if (ref.kind() == ContentReference.Kind.CHILD) {
            todo.push(ref.target());
          }
        }
      }
      for (ManifestNode referrer : referrers.getOrDefault(digest, List.of())) {
        todo.push(referrer.digest());
      }
    }
    return live;
  }

  private static <T extends Comparable<T>> List<T> sorted(Collection<T> values) {
    List<T> list = new ArrayList<>(values);
    list.sort(null);
    return list;
  }

  /** Assembles a {@link GarbageCollector}. */
  public static final class Builder {
    private final RegistryStorage storage;
    private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
    private boolean deleteUntagged;
    private Clock clock = Clock.systemUTC();
    private int batchSize = 256;
    private int maxReportItems = DEFAULT_MAX_REPORT_ITEMS;
    private double dutyCycle = 1.0;

    private Builder(RegistryStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
    }

    /**
     * How long new content is safe (default 24 hours): a manifest pushed, a blob linked or written
     * more recently than this is never collected. It must be longer than the longest time a client
     * takes between uploading a layer and pushing the manifest that refers to it.
     */
    public Builder gracePeriod(Duration gracePeriod) {
      if (gracePeriod.isNegative()) {
        throw new IllegalArgumentException("the grace period cannot be negative");
      }
      this.gracePeriod = gracePeriod;
      return this;
    }

    /**
     * Whether untagged manifests that no kept index lists and that are not referrers of a kept
     * manifest are collected once older than the grace period (default {@code false}: they are
     * kept, as distribution and Harbor keep them unless asked). Retention is the finer tool.
     */
    public Builder deleteUntagged(boolean deleteUntagged) {
      this.deleteUntagged = deleteUntagged;
      return this;
    }

    /** The clock that dates runs and the grace period (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How many journal entries or blobs one step handles (default 256, 1 to 10,000). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 10_000) {
        throw new IllegalArgumentException("batch size must be 1..10000, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** How many deleted items a report lists at most (default 10,000); counts are always whole. */
    public Builder maxReportItems(int maxReportItems) {
      if (maxReportItems < 0) {
        throw new IllegalArgumentException("negative report item cap");
      }
      this.maxReportItems = maxReportItems;
      return this;
    }

    /**
     * The share of wall time a run spends working (default 1: it works flat out). Below 1, the run
     * pauses between steps (a repository, a batch of blobs or journal entries) for as long as its
     * share allows, so that a collection in a serving registry leaves the cores to requests: at 0.1
     * a run takes about ten times as long and a tenth of one core. A pause never holds a store lock
     * (only this collector's own, so another run of it waits).
     *
     * @param dutyCycle in (0, 1]
     */
    public Builder dutyCycle(double dutyCycle) {
      if (!(dutyCycle > 0 && dutyCycle <= 1)) {
        throw new IllegalArgumentException("duty cycle must be in (0, 1], got " + dutyCycle);
      }
      this.dutyCycle = dutyCycle;
      return this;
    }

    /** The collector. */
    public GarbageCollector build() {
      return new GarbageCollector(this);
    }
  }
}
