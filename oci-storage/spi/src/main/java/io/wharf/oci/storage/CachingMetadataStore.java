package io.wharf.oci.storage;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Keeps the answers of the registry's hot reads in memory: manifests by digest, tags resolved to
 * digests, and which blobs a repository links. A pull asks these for every request; served from
 * memory, a manifest GET or blob HEAD needs no database round trip.
 *
 * <p><b>Only for a store that this wrapper alone writes</b>, such as the single-node store whose
 * data folder one process holds locked. Every write through the wrapper forgets what it knew of the
 * written repository after the backend has committed, so a read never sees a fact older than the
 * last write it could have observed. A store that other processes write as well (a shared
 * PostgreSQL) must not be wrapped: their writes would not reach this memory.
 *
 * <p>What is kept is bounded: at most {@link #MAX_REPOSITORIES} repositories, {@link #MAX_ENTRIES}
 * entries of each kind per repository, and manifest bytes up to the budget given to {@link
 * #wrap(MetadataStore, long)}; past a bound the memory concerned is dropped and filled again by
 * later reads. Only positive facts are kept (a tag that resolves, a blob that is linked), so a miss
 * always asks the backend.
 */
public final class CachingMetadataStore implements MetadataStore {

  /** Repositories remembered at most. */
  public static final int MAX_REPOSITORIES = 4096;

  /** Tags, manifests or blob links remembered at most for one repository, each. */
  public static final int MAX_ENTRIES = 16_384;

  /** Entries of a repository's memory copied at most by {@link #forgetOnly}. */
  private static final int MAX_COPIED = 1024;

  /** The manifest bytes kept by {@link #wrap(MetadataStore)}: 64 MiB. */
  public static final long DEFAULT_MANIFEST_BYTES = 64L << 20;

  /** What is known of one repository; replaced as a whole when the repository is written. */
  private static final class Known {
    final Map<Tag, Digest> tags = new ConcurrentHashMap<>();
    final Map<Digest, RawManifest> manifests = new ConcurrentHashMap<>();
    final Map<Digest, Boolean> links = new ConcurrentHashMap<>();

    /**
     * Backend reads in progress, by what they read. Requests that miss together wait for one
     * backend read rather than each asking the same (150 GETs of one 4 MiB manifest had each read
     * it from SQLite, queueing every other request behind them). Kept here, so that a request that
     * starts after a write never waits for a read that started before it.
     */
    final Map<Read, CompletableFuture<Object>> loading = new ConcurrentHashMap<>();
  }

  /** What a backend read asks: a manifest, a tag or a blob link. */
  private record Read(String kind, Object key) {}

  private final MetadataStore delegate;
  private final long maxManifestBytes;
  private final Map<RepositoryName, Known> known = new ConcurrentHashMap<>();
  private final AtomicLong manifestBytes = new AtomicLong();
  private final LifecycleStore lifecycle = new CachingLifecycle();

  private CachingMetadataStore(MetadataStore delegate, long maxManifestBytes) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.maxManifestBytes = maxManifestBytes;
  }

  /** {@code store} with a cache of {@link #DEFAULT_MANIFEST_BYTES} manifest bytes. */
  public static MetadataStore wrap(MetadataStore store) {
    return wrap(store, DEFAULT_MANIFEST_BYTES);
  }

  /**
   * {@code store} with a cache that keeps up to {@code maxManifestBytes} of manifests; see the
   * class comment for when this is correct.
   *
   * @throws IllegalArgumentException when {@code maxManifestBytes} is negative
   */
  public static MetadataStore wrap(MetadataStore store, long maxManifestBytes) {
    if (maxManifestBytes < 0) {
      throw new IllegalArgumentException("maxManifestBytes must not be negative");
    }
    return store instanceof CachingMetadataStore
        ? store
        : new CachingMetadataStore(store, maxManifestBytes);
  }

  /**
   * The memory for {@code repository}, taken <em>before</em> the backend is read: a write that
   * commits after that read replaces the object, so what the read puts into it is never seen.
   */
  private Known known(RepositoryName repository) {
    Known k = known.get(repository);
    if (k != null) {
      return k;
    }
    if (known.size() >= MAX_REPOSITORIES) {
      known.clear();
    }
    return known.computeIfAbsent(repository, r -> new Known());
  }

  /** Forgets {@code repository}; called after every write to it has committed (or failed). */
  private void forget(RepositoryName repository) {
    known.remove(repository);
  }

  /**
   * After a conditional delete that removed exactly {@code tags}, {@code manifests} and {@code
   * links} of {@code repository} has committed: the repository's memory is replaced by a copy
   * without them, so that a garbage collection does not send every later read of the repository to
   * the backend. The rest of what was known stays true: the conditional deletes change nothing else
   * (an untagged manifest's deletion moves no tag; a link's removal touches no manifest). A read
   * that took the old memory before the delete puts its answer there, where nobody sees it, as with
   * {@link #forget}. A large memory is forgotten instead of copied.
   */
  private void forgetOnly(
      RepositoryName repository,
      Collection<Tag> tags,
      Collection<Digest> manifests,
      Collection<Digest> links) {
    known.computeIfPresent(
        repository,
        (r, old) -> {
          if (old.tags.size() + old.manifests.size() + old.links.size() > MAX_COPIED) {
            return null;
          }
          Known fresh = new Known();
          fresh.tags.putAll(old.tags);
          fresh.manifests.putAll(old.manifests);
          fresh.links.putAll(old.links);
          tags.forEach(fresh.tags::remove);
          manifests.forEach(fresh.manifests::remove);
          links.forEach(fresh.links::remove);
          return fresh;
        });
  }

  private static <K, V> void remember(Map<K, V> map, K key, V value) {
    if (map.size() >= MAX_ENTRIES) {
      map.clear();
    }
    map.put(key, value);
  }

  @Override
  public Optional<RawManifest> getManifest(RepositoryName repository, Digest digest)
      throws IOException {
    Known k = known(repository);
    RawManifest cached = k.manifests.get(digest);
    if (cached != null) {
      return Optional.of(cached);
    }
    return once(
        k,
        new Read("manifest", digest),
        () -> {
          Optional<RawManifest> found = delegate.getManifest(repository, digest);
          found.ifPresent(m -> keep(k, digest, m));
          return found;
        });
  }

  /** Keeps {@code m} within the budget; counts it once, however many requests read it. */
  private void keep(Known k, Digest digest, RawManifest m) {
    if (m.size() > maxManifestBytes || k.manifests.putIfAbsent(digest, m) != null) {
      return;
    }
    if (k.manifests.size() > MAX_ENTRIES || manifestBytes.addAndGet(m.size()) > maxManifestBytes) {
      // Over a bound: everything is dropped, this answer too: a memory object taken after the
      // backend was read could keep a manifest that a write just removed.
      known.clear();
      manifestBytes.set(0);
    }
  }

  @Override
  public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) throws IOException {
    Known k = known(repository);
    Digest cached = k.tags.get(tag);
    if (cached != null) {
      return Optional.of(cached);
    }
    return once(
        k,
        new Read("tag", tag),
        () -> {
          Optional<Digest> found = delegate.resolveTag(repository, tag);
          found.ifPresent(d -> remember(k.tags, tag, d));
          return found;
        });
  }

  @Override
  public boolean isBlobLinked(RepositoryName repository, Digest blob) throws IOException {
    Known k = known(repository);
    if (k.links.containsKey(blob)) {
      return true;
    }
    return once(
        k,
        new Read("link", blob),
        () -> {
          boolean linked = delegate.isBlobLinked(repository, blob);
          if (linked) {
            remember(k.links, blob, Boolean.TRUE);
          }
          return linked;
        });
  }

  /**
   * {@code read}'s answer, read from the backend by this request, or by another request of {@code
   * k} that began the same read first: this one then waits for it.
   */
  @SuppressWarnings("unchecked")
  private static <T> T once(Known k, Read what, CheckedBlobStore.Call<T> read) throws IOException {
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> theirs = k.loading.putIfAbsent(what, mine);
    if (theirs != null) {
      return (T) await(theirs);
    }
    try {
      T answer = read.run();
      mine.complete(answer);
      return answer;
    } catch (IOException | RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      k.loading.remove(what, mine);
    }
  }

  /** What another request's backend read gave, as if this request had read it. */
  private static Object await(CompletableFuture<Object> read) throws IOException {
    try {
      return read.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while another request read the store");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      // The reader's own exception, so that its type (a storage failure, a refusal) is kept.
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) cause;
    }
  }

  // Writes: the backend first, then the repository is forgotten, whatever the outcome.

  private <T> T written(RepositoryName repository, CheckedBlobStore.Call<T> write)
      throws IOException {
    try {
      return write.run();
    } finally {
      forget(repository);
    }
  }

  @Override
  public Map<Tag, Digest> putManifest(RepositoryName repository, ManifestPut put)
      throws IOException {
    return written(repository, () -> delegate.putManifest(repository, put));
  }

  @Override
  public boolean deleteManifest(RepositoryName repository, Digest digest) throws IOException {
    return written(repository, () -> delegate.deleteManifest(repository, digest));
  }

  @Override
  public boolean deleteTag(RepositoryName repository, Tag tag) throws IOException {
    return written(repository, () -> delegate.deleteTag(repository, tag));
  }

  @Override
  public boolean linkBlob(RepositoryName repository, BlobInfo blob) throws IOException {
    return written(repository, () -> delegate.linkBlob(repository, blob));
  }

  @Override
  public boolean unlinkBlob(RepositoryName repository, Digest blob) throws IOException {
    return written(repository, () -> delegate.unlinkBlob(repository, blob));
  }

  // Everything else goes to the backend: it changes with every pull or is read rarely.

  @Override
  public Optional<ManifestRecord> statManifest(RepositoryName repository, Digest digest)
      throws IOException {
    return delegate.statManifest(repository, digest);
  }

  @Override
  public Page<Tag> tags(RepositoryName repository, PageRequest page) throws IOException {
    return delegate.tags(repository, page);
  }

  @Override
  public List<TagRecord> tagRecords(RepositoryName repository) throws IOException {
    return delegate.tagRecords(repository);
  }

  @Override
  public List<ManifestRecord> manifestRecords(RepositoryName repository) throws IOException {
    return delegate.manifestRecords(repository);
  }

  @Override
  public List<Descriptor> referrers(
      RepositoryName repository, Digest subject, Optional<MediaType> artifactType)
      throws IOException {
    return delegate.referrers(repository, subject, artifactType);
  }

  @Override
  public Page<RepositoryName> repositories(PageRequest page) throws IOException {
    return delegate.repositories(page);
  }

  @Override
  public boolean repositoryExists(RepositoryName repository) throws IOException {
    return delegate.repositoryExists(repository);
  }

  @Override
  public List<ContentReference> referencesTo(RepositoryName repository, Digest target)
      throws IOException {
    return delegate.referencesTo(repository, target);
  }

  @Override
  public Page<Digest> blobLinks(RepositoryName repository, PageRequest page) throws IOException {
    return delegate.blobLinks(repository, page);
  }

  @Override
  public Stream<Digest> linkedBlobs() throws IOException {
    return delegate.linkedBlobs();
  }

  @Override
  public void recordPull(RepositoryName repository, Digest digest, Optional<Tag> tag, Instant at)
      throws IOException {
    delegate.recordPull(repository, digest, tag, at);
  }

  @Override
  public long usage(RepositoryName repository) throws IOException {
    return delegate.usage(repository);
  }

  @Override
  public ProjectUsage projectUsage(String project) throws IOException {
    return delegate.projectUsage(project);
  }

  @Override
  public boolean projectHolds(String project, Digest content) throws IOException {
    return delegate.projectHolds(project, content);
  }

  @Override
  public io.wharf.oci.storage.access.AccessStore access() {
    return delegate.access();
  }

  /**
   * {@inheritDoc}
   *
   * <p>The delegate's, with the conditional deletes counted as writes: what one removed is
   * forgotten once it has committed, and the whole repository when one fails.
   */
  @Override
  public LifecycleStore lifecycle() {
    return lifecycle;
  }

  /**
   * The delegate's lifecycle operations. A conditional delete that removed something replaces the
   * repository's memory by one without what it removed ({@link #forgetOnly}); one that failed
   * forgets the repository; one that removed nothing changes nothing.
   */
  private final class CachingLifecycle implements LifecycleStore {

    @Override
    public RepositoryContent content(RepositoryName repository) throws IOException {
      return delegate.lifecycle().content(repository);
    }

    @Override
    public boolean removeTag(RepositoryName repository, Tag tag, Digest digest) throws IOException {
      boolean removed =
          collected(repository, () -> delegate.lifecycle().removeTag(repository, tag, digest));
      if (removed) {
        forgetOnly(repository, List.of(tag), List.of(), List.of());
      }
      return removed;
    }

    @Override
    public boolean collectManifest(RepositoryName repository, Digest digest, Instant pushedBefore)
        throws IOException {
      boolean removed =
          collected(
              repository,
              () -> delegate.lifecycle().collectManifest(repository, digest, pushedBefore));
      if (removed) {
        forgetOnly(repository, List.of(), List.of(digest), List.of());
      }
      return removed;
    }

    @Override
    public boolean collectLink(RepositoryName repository, Digest digest, Instant linkedBefore)
        throws IOException {
      boolean removed =
          collected(
              repository, () -> delegate.lifecycle().collectLink(repository, digest, linkedBefore));
      if (removed) {
        forgetOnly(repository, List.of(), List.of(), List.of(digest));
      }
      return removed;
    }

    @Override
    public List<Digest> collectLinks(
        RepositoryName repository, Collection<Digest> digests, Instant linkedBefore)
        throws IOException {
      List<Digest> removed =
          collected(
              repository,
              () -> delegate.lifecycle().collectLinks(repository, digests, linkedBefore));
      if (!removed.isEmpty()) {
        forgetOnly(repository, List.of(), List.of(), removed);
      }
      return removed;
    }

    /** Runs a conditional delete; when it fails, its outcome is unknown: the repository goes. */
    private <T> T collected(RepositoryName repository, CheckedBlobStore.Call<T> delete)
        throws IOException {
      try {
        return delete.run();
      } catch (IOException | RuntimeException | Error e) {
        forget(repository);
        throw e;
      }
    }

    @Override
    public List<Digest> sweepBlobs(Collection<Digest> digests, BlobSweeper sweeper)
        throws IOException {
      return delegate.lifecycle().sweepBlobs(digests, sweeper);
    }

    @Override
    public JournalBatch journal(int limit) throws IOException {
      return delegate.lifecycle().journal(limit);
    }

    @Override
    public void trimJournal(JournalBatch done) throws IOException {
      delegate.lifecycle().trimJournal(done);
    }

    @Override
    public void remember(Collection<RepositoryName> repositories, Collection<Digest> blobs)
        throws IOException {
      delegate.lifecycle().remember(repositories, blobs);
    }
  }

  @Override
  public void close() throws IOException {
    known.clear();
    delegate.close();
  }
}
