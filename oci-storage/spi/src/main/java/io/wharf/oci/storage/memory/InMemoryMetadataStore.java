package io.wharf.oci.storage.memory;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobLink;
import io.wharf.oci.storage.BlobSweeper;
import io.wharf.oci.storage.ContentReference;
import io.wharf.oci.storage.JournalBatch;
import io.wharf.oci.storage.LifecycleStore;
import io.wharf.oci.storage.ManifestNode;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.ManifestRecord;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
import io.wharf.oci.storage.ProjectUsage;
import io.wharf.oci.storage.RepositoryContent;
import io.wharf.oci.storage.StillReferencedException;
import io.wharf.oci.storage.TagRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Metadata in memory: the reference implementation for tests and for the in-memory registry. One
 * read-write lock makes every method atomic. Thread-safe.
 *
 * <p>Its {@link #lifecycle()} keeps the change journal in memory too: each entry has a sequence
 * number, and an entry written again gets a new one at the end. {@link LifecycleStore#sweepBlobs}
 * excludes {@link #linkBlob} of the digest it sweeps with a lock of the digest's stripe (one of
 * 64), held around the check that nothing links it and the sweeper's call, so that reads and other
 * writes go on meanwhile.
 */
public final class InMemoryMetadataStore implements MetadataStore {

  private static final class ManifestEntry {
    final RawManifest manifest;
    final Instant pushedAt;
    final Descriptor referrer;
    final Optional<Digest> subject;
    Optional<Instant> pulledAt = Optional.empty();

    ManifestEntry(RawManifest manifest, Instant pushedAt, Descriptor referrer, Optional<Digest> s) {
      this.manifest = manifest;
      this.pushedAt = pushedAt;
      this.referrer = referrer;
      this.subject = s;
    }
  }

  private static final class TagEntry {
    final Digest digest;
    final Instant pushedAt;
    Optional<Instant> pulledAt = Optional.empty();

    TagEntry(Digest digest, Instant pushedAt) {
      this.digest = digest;
      this.pushedAt = pushedAt;
    }
  }

  private static final class Repo {
    final Map<Digest, ManifestEntry> manifests = new HashMap<>();
    final NavigableMap<String, TagEntry> tags = new TreeMap<>();
    final Map<Digest, Link> blobs = new HashMap<>();
    final Map<Digest, NavigableMap<Digest, Descriptor>> referrers = new HashMap<>();
    final Map<Digest, Set<ContentReference>> referencesTo = new HashMap<>();

    List<ContentReference> referencesTo(Digest target) {
      List<ContentReference> result = new ArrayList<>(referencesTo.getOrDefault(target, Set.of()));
      result.sort(REFERENCE_ORDER);
      return result;
    }

    /**
     * The references to {@code target} of the kinds that {@code blob} selects (blobs or children).
     */
    List<ContentReference> referencesTo(Digest target, boolean blob) {
      List<ContentReference> result = referencesTo(target);
      result.removeIf(r -> r.kind().isBlob() != blob);
      return result;
    }

    OptionalLong blobSize(Digest digest) {
      Link link = blobs.get(digest);
      return link == null ? OptionalLong.empty() : OptionalLong.of(link.size);
    }

    OptionalLong manifestSize(Digest digest) {
      ManifestEntry e = manifests.get(digest);
      return e == null ? OptionalLong.empty() : OptionalLong.of(e.manifest.size());
    }

    boolean isEmpty() {
      return manifests.isEmpty() && blobs.isEmpty() && tags.isEmpty();
    }
  }

  /** A blob link: the blob's size and when it was last linked. */
  private record Link(long size, Instant linkedAt) {}

  private static final Comparator<ContentReference> REFERENCE_ORDER =
      Comparator.comparing((ContentReference r) -> r.manifest().toString())
          .thenComparing(r -> r.kind().label());

  /** The order of a manifest's own references in {@link ManifestNode#references()}. */
  private static final Comparator<ContentReference> TARGET_ORDER =
      Comparator.comparing((ContentReference r) -> r.target().toString())
          .thenComparing(r -> r.kind().label());

  /** How many locks {@link #linkBlob} and the sweep share between all digests. */
  static final int STRIPES = 64;

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final InMemoryAccessStore access = new InMemoryAccessStore();
  private final NavigableMap<String, Repo> repos = new TreeMap<>();

  /** How many repositories link each blob; a blob no repository links has no entry. */
  private final Map<Digest, Integer> linkCounts = new HashMap<>();

  /** The journal: entries (repository names and digests) by sequence number, and back. */
  private final NavigableMap<Long, Object> journalBySeq = new TreeMap<>();

  private final Map<Object, Long> journalSeqs = new HashMap<>();
  private long journalNext = 1;

  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private final Clock clock;
  private final Lifecycle lifecycle = new Lifecycle();

  /** A store on the system clock. */
  public InMemoryMetadataStore() {
    this(Clock.systemUTC());
  }

  /** A store that dates blob links ({@link BlobLink#linkedAt()}) with {@code clock}. */
  public InMemoryMetadataStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  private ReentrantLock stripe(Digest digest) {
    return stripes[Math.floorMod(digest.hashCode(), STRIPES)];
  }

  /** Journals {@code entry} (a repository name or a digest) at the end; under the write lock. */
  private void journalEntry(Object entry) {
    Long old = journalSeqs.put(entry, journalNext);
    if (old != null) {
      journalBySeq.remove(old);
    }
    journalBySeq.put(journalNext, entry);
    journalNext++;
  }

  private <T> T read(Function<Void, T> action) {
    lock.readLock().lock();
    try {
      return action.apply(null);
    } finally {
      lock.readLock().unlock();
    }
  }

  private <T> T write(Function<Void, T> action) {
    lock.writeLock().lock();
    try {
      return action.apply(null);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private Optional<Repo> repo(RepositoryName name) {
    return Optional.ofNullable(repos.get(name.value()));
  }

  private void dropIfEmpty(RepositoryName name) {
    Repo r = repos.get(name.value());
    if (r != null && r.isEmpty()) {
      repos.remove(name.value());
    }
  }

  @Override
  public Map<Tag, Digest> putManifest(RepositoryName repository, ManifestPut put) {
    return write(
        v -> {
          Repo existing = repos.get(repository.value());
          Repo r = existing == null ? new Repo() : existing;
          uncheckedIo(() -> put.checkReferences(repository, r::blobSize, r::manifestSize));
          repos.putIfAbsent(repository.value(), r);
          Digest digest = put.manifest().digest();
          if (!r.manifests.containsKey(digest)) {
            r.manifests.put(
                digest,
                new ManifestEntry(put.manifest(), put.at(), put.referrer(), put.subjectDigest()));
            put.subjectDigest()
                .ifPresent(
                    s ->
                        r.referrers
                            .computeIfAbsent(s, k -> new TreeMap<>())
                            .put(digest, put.referrer()));
            for (ContentReference ref : put.references()) {
              r.referencesTo.computeIfAbsent(ref.target(), k -> new HashSet<>()).add(ref);
            }
          }
          Map<Tag, Digest> previous = new LinkedHashMap<>();
          for (Tag tag : put.tags()) {
            TagEntry old = r.tags.put(tag.value(), new TagEntry(digest, put.at()));
            if (old != null && !old.digest.equals(digest)) {
              previous.put(tag, old.digest);
            }
          }
          journalEntry(repository);
          return previous;
        });
  }

  @Override
  public Optional<RawManifest> getManifest(RepositoryName repository, Digest digest) {
    return read(v -> repo(repository).map(r -> r.manifests.get(digest)).map(e -> e.manifest));
  }

  @Override
  public Optional<ManifestRecord> statManifest(RepositoryName repository, Digest digest) {
    return read(
        v -> repo(repository).map(r -> r.manifests.get(digest)).map(e -> record(repository, e)));
  }

  private static ManifestRecord record(RepositoryName repository, ManifestEntry e) {
    return new ManifestRecord(
        repository,
        e.manifest.digest(),
        e.manifest.mediaType(),
        e.manifest.size(),
        e.pushedAt,
        e.pulledAt);
  }

  @Override
  public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
    return read(v -> repo(repository).map(r -> r.tags.get(tag.value())).map(t -> t.digest));
  }

  @Override
  public boolean deleteManifest(RepositoryName repository, Digest digest) {
    return write(
        v -> {
          Optional<Repo> r = repo(repository);
          if (r.isEmpty()) {
            return false;
          }
          if (!r.get().manifests.containsKey(digest)) {
            return false;
          }
          List<ContentReference> parents = r.get().referencesTo(digest, false);
          if (!parents.isEmpty()) {
            throw new StillReferencedException(repository, digest, parents);
          }
          removeManifest(repository, r.get(), digest);
          return true;
        });
  }

  /**
   * Removes manifest {@code digest} with its tags, references and referrer entry; journals the
   * repository and drops it when empty. Under the write lock.
   */
  private void removeManifest(RepositoryName repository, Repo r, Digest digest) {
    ManifestEntry e = r.manifests.remove(digest);
    r.referencesTo.values().removeIf(refs -> removeFrom(refs, digest));
    r.tags.values().removeIf(t -> t.digest.equals(digest));
    e.subject.ifPresent(
        s -> {
          NavigableMap<Digest, Descriptor> list = r.referrers.get(s);
          if (list != null) {
            list.remove(digest);
            if (list.isEmpty()) {
              r.referrers.remove(s);
            }
          }
        });
    journalEntry(repository);
    dropIfEmpty(repository);
  }

  @Override
  public boolean deleteTag(RepositoryName repository, Tag tag) {
    return write(
        v -> {
          boolean removed =
              repo(repository).map(r -> r.tags.remove(tag.value()) != null).orElse(false);
          if (removed) {
            journalEntry(repository);
            dropIfEmpty(repository);
          }
          return removed;
        });
  }

  @Override
  public Page<Tag> tags(RepositoryName repository, PageRequest page) {
    return read(
        v -> {
          NavigableMap<String, TagEntry> tags =
              repo(repository).map(r -> r.tags).orElse(new TreeMap<>());
          return page(tags, page, Tag::new);
        });
  }

  private static <T> Page<T> page(
      NavigableMap<String, ?> map, PageRequest request, Function<String, T> make) {
    NavigableMap<String, ?> tail =
        request.last().isPresent() ? map.tailMap(request.last().get(), false) : map;
    List<T> items = new ArrayList<>(Math.min(request.limit(), tail.size()));
    String lastKey = null;
    for (String key : tail.keySet()) {
      if (items.size() == request.limit()) {
        return new Page<>(items, Optional.of(lastKey));
      }
      items.add(make.apply(key));
      lastKey = key;
    }
    return new Page<>(items, Optional.empty());
  }

  @Override
  public List<TagRecord> tagRecords(RepositoryName repository) {
    return read(
        v -> {
          List<TagRecord> result = new ArrayList<>();
          repo(repository)
              .ifPresent(
                  r ->
                      r.tags.forEach(
                          (name, t) ->
                              result.add(
                                  new TagRecord(new Tag(name), t.digest, t.pushedAt, t.pulledAt))));
          return result;
        });
  }

  @Override
  public List<ManifestRecord> manifestRecords(RepositoryName repository) {
    return read(
        v -> {
          List<ManifestRecord> result = new ArrayList<>();
          repo(repository)
              .ifPresent(r -> r.manifests.values().forEach(e -> result.add(record(repository, e))));
          result.sort((a, b) -> a.digest().compareTo(b.digest()));
          return result;
        });
  }

  @Override
  public List<Descriptor> referrers(
      RepositoryName repository, Digest subject, Optional<MediaType> artifactType) {
    return read(
        v -> {
          List<Descriptor> result = new ArrayList<>();
          repo(repository)
              .map(r -> r.referrers.get(subject))
              .ifPresent(
                  list ->
                      list.values().stream()
                          .filter(
                              d -> artifactType.isEmpty() || d.artifactType().equals(artifactType))
                          .forEach(result::add));
          return result;
        });
  }

  @Override
  public Page<RepositoryName> repositories(PageRequest page) {
    return read(v -> page(repos, page, RepositoryName::new));
  }

  @Override
  public boolean repositoryExists(RepositoryName repository) {
    return read(v -> repos.containsKey(repository.value()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Linking a blob that is linked already dates the link again ({@link BlobLink#linkedAt()}).
   * Waits while {@link LifecycleStore#sweepBlobs} sweeps the blob.
   */
  @Override
  public boolean linkBlob(RepositoryName repository, BlobInfo blob) {
    ReentrantLock stripe = stripe(blob.digest());
    stripe.lock();
    try {
      Instant now = clock.instant();
      return write(
          v -> {
            Repo r = repos.computeIfAbsent(repository.value(), k -> new Repo());
            Link old = r.blobs.get(blob.digest());
            r.blobs.put(blob.digest(), new Link(old == null ? blob.size() : old.size, now));
            journalEntry(repository);
            if (old != null) {
              return false;
            }
            linkCounts.merge(blob.digest(), 1, Integer::sum);
            return true;
          });
    } finally {
      stripe.unlock();
    }
  }

  @Override
  public boolean isBlobLinked(RepositoryName repository, Digest blob) {
    return read(v -> repo(repository).map(r -> r.blobs.containsKey(blob)).orElse(false));
  }

  @Override
  public boolean unlinkBlob(RepositoryName repository, Digest blob) {
    return write(
        v -> {
          Optional<Repo> r = repo(repository);
          if (r.isEmpty() || !r.get().blobs.containsKey(blob)) {
            return false;
          }
          List<ContentReference> users = r.get().referencesTo(blob, true);
          if (!users.isEmpty()) {
            throw new StillReferencedException(repository, blob, users);
          }
          removeLink(repository, r.get(), blob);
          return true;
        });
  }

  /**
   * Removes the link of {@code blob} from {@code r}; journals the repository, and the blob when no
   * repository links it any more; drops the repository when empty. Under the write lock.
   */
  private void removeLink(RepositoryName repository, Repo r, Digest blob) {
    r.blobs.remove(blob);
    if (linkCounts.merge(blob, -1, Integer::sum) == 0) {
      linkCounts.remove(blob);
      journalEntry(blob);
    }
    journalEntry(repository);
    dropIfEmpty(repository);
  }

  @Override
  public List<ContentReference> referencesTo(RepositoryName repository, Digest target) {
    return read(v -> repo(repository).map(r -> r.referencesTo(target)).orElse(List.of()));
  }

  /** Drops the references of {@code manifest} from {@code refs}; whether none are left. */
  private static boolean removeFrom(Set<ContentReference> refs, Digest manifest) {
    refs.removeIf(ref -> ref.manifest().equals(manifest));
    return refs.isEmpty();
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  /** Runs a check whose lookups are in memory and so cannot fail with an {@link IOException}. */
  private static void uncheckedIo(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Page<Digest> blobLinks(RepositoryName repository, PageRequest page) {
    return read(
        v -> {
          NavigableMap<String, Long> sorted = new TreeMap<>();
          repo(repository)
              .ifPresent(r -> r.blobs.forEach((d, link) -> sorted.put(d.toString(), link.size)));
          return page(sorted, page, Digest::parse);
        });
  }

  @Override
  public Stream<Digest> linkedBlobs() {
    return read(v -> List.copyOf(linkCounts.keySet()).stream());
  }

  @Override
  public void recordPull(RepositoryName repository, Digest digest, Optional<Tag> tag, Instant at) {
    write(
        v -> {
          repo(repository)
              .ifPresent(
                  r -> {
                    ManifestEntry e = r.manifests.get(digest);
                    if (e != null) {
                      e.pulledAt = Optional.of(at);
                    }
                    tag.map(t -> r.tags.get(t.value()))
                        .filter(t -> t.digest.equals(digest))
                        .ifPresent(t -> t.pulledAt = Optional.of(at));
                  });
          return null;
        });
  }

  @Override
  public long usage(RepositoryName repository) {
    return read(v -> repo(repository).map(r -> usageOf(List.of(r))).orElse(0L));
  }

  @Override
  public ProjectUsage projectUsage(String project) {
    ProjectUsage.checkProject(project);
    return read(
        v -> {
          List<Repo> members = members(project);
          long artifacts = 0;
          for (Repo r : members) {
            artifacts += r.manifests.size();
          }
          return new ProjectUsage(usageOf(members), artifacts);
        });
  }

  @Override
  public boolean projectHolds(String project, Digest content) {
    ProjectUsage.checkProject(project);
    return read(
        v -> {
          for (Repo r : members(project)) {
            if (r.blobs.containsKey(content) || r.manifests.containsKey(content)) {
              return true;
            }
          }
          return false;
        });
  }

  /**
   * The repositories of {@code project}: the one named so, and the range of names from {@code
   * project/} to {@code project0} ({@code '0'} follows {@code '/'}), which holds exactly the names
   * under {@code project/}.
   */
  private List<Repo> members(String project) {
    List<Repo> members = new ArrayList<>();
    Repo own = repos.get(project);
    if (own != null) {
      members.add(own);
    }
    members.addAll(repos.subMap(project + "/", true, project + "0", false).values());
    return members;
  }

  private static long usageOf(List<Repo> members) {
    Map<Digest, Long> distinct = new HashMap<>();
    for (Repo r : members) {
      r.manifests.values().forEach(e -> distinct.put(e.manifest.digest(), e.manifest.size()));
      r.blobs.forEach((d, link) -> distinct.put(d, link.size));
    }
    return distinct.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public io.wharf.oci.storage.access.AccessStore access() {
    return access;
  }

  @Override
  public LifecycleStore lifecycle() {
    return lifecycle;
  }

  /** The lifecycle operations, each atomic under the store's lock. */
  private final class Lifecycle implements LifecycleStore {

    @Override
    public RepositoryContent content(RepositoryName repository) {
      return read(
          v -> {
            Optional<Repo> found = repo(repository);
            if (found.isEmpty()) {
              return new RepositoryContent(repository, List.of(), List.of(), List.of());
            }
            Repo r = found.get();
            List<TagRecord> tags = new ArrayList<>();
            r.tags.forEach(
                (name, t) ->
                    tags.add(new TagRecord(new Tag(name), t.digest, t.pushedAt, t.pulledAt)));
            Map<Digest, List<ContentReference>> references = new HashMap<>();
            r.referencesTo
                .values()
                .forEach(
                    refs ->
                        refs.forEach(
                            ref ->
                                references
                                    .computeIfAbsent(ref.manifest(), k -> new ArrayList<>())
                                    .add(ref)));
            List<ManifestNode> manifests = new ArrayList<>();
            for (ManifestEntry e : r.manifests.values()) {
              List<ContentReference> refs =
                  new ArrayList<>(references.getOrDefault(e.manifest.digest(), List.of()));
              refs.sort(TARGET_ORDER);
              manifests.add(
                  new ManifestNode(
                      e.manifest.digest(),
                      e.manifest.mediaType(),
                      e.manifest.size(),
                      e.pushedAt,
                      e.pulledAt,
                      e.subject,
                      e.referrer.artifactType().map(MediaType::value),
                      refs));
            }
            manifests.sort(Comparator.comparing(ManifestNode::digest));
            List<BlobLink> links = new ArrayList<>();
            r.blobs.forEach((d, link) -> links.add(new BlobLink(d, link.size, link.linkedAt)));
            links.sort(Comparator.comparing(BlobLink::digest));
            return new RepositoryContent(repository, tags, manifests, links);
          });
    }

    @Override
    public boolean removeTag(RepositoryName repository, Tag tag, Digest digest) {
      return write(
          v -> {
            Optional<Repo> r = repo(repository);
            TagEntry t = r.map(x -> x.tags.get(tag.value())).orElse(null);
            if (t == null || !t.digest.equals(digest)) {
              return false;
            }
            r.get().tags.remove(tag.value());
            journalEntry(repository);
            dropIfEmpty(repository);
            return true;
          });
    }

    @Override
    public boolean collectManifest(RepositoryName repository, Digest digest, Instant pushedBefore) {
      return collect(
          repository,
          r -> {
            ManifestEntry e = r.manifests.get(digest);
            return e != null
                && e.pushedAt.isBefore(pushedBefore)
                && r.tags.values().stream().noneMatch(t -> t.digest.equals(digest))
                && r.referencesTo(digest, false).isEmpty()
                && !e.subject.map(r.manifests::containsKey).orElse(false);
          },
          r -> removeManifest(repository, r, digest));
    }

    @Override
    public boolean collectLink(RepositoryName repository, Digest digest, Instant linkedBefore) {
      return collect(
          repository,
          r -> {
            Link link = r.blobs.get(digest);
            return link != null
                && link.linkedAt.isBefore(linkedBefore)
                && r.referencesTo(digest, true).isEmpty();
          },
          r -> removeLink(repository, r, digest));
    }

    /**
     * Under the write lock: {@code remove} when {@code repository} exists and {@code garbage} finds
     * that what it removes is still garbage; whether it was removed.
     */
    private boolean collect(
        RepositoryName repository, Predicate<Repo> garbage, Consumer<Repo> remove) {
      return write(
          v -> {
            Optional<Repo> r = repo(repository).filter(garbage);
            r.ifPresent(remove);
            return r.isPresent();
          });
    }

    @Override
    public List<Digest> sweepBlobs(Collection<Digest> digests, BlobSweeper sweeper)
        throws IOException {
      List<Digest> swept = new ArrayList<>();
      for (Digest digest : new LinkedHashSet<>(digests)) {
        ReentrantLock stripe = stripe(digest);
        stripe.lock();
        try {
          if (!read(v -> linkCounts.containsKey(digest)) && sweeper.sweep(digest)) {
            swept.add(digest);
          }
        } finally {
          stripe.unlock();
        }
      }
      return swept;
    }

    @Override
    public JournalBatch journal(int limit) {
      if (limit <= 0) {
        throw new IllegalArgumentException("journal limit must be positive, not " + limit);
      }
      return read(
          v -> {
            Set<RepositoryName> repositories = new HashSet<>();
            Set<Digest> blobs = new HashSet<>();
            long upTo = 0;
            for (Map.Entry<Long, Object> e : journalBySeq.entrySet()) {
              if (repositories.size() + blobs.size() == limit) {
                break;
              }
              if (e.getValue() instanceof RepositoryName name) {
                repositories.add(name);
              } else {
                blobs.add((Digest) e.getValue());
              }
              upTo = e.getKey();
            }
            return new JournalBatch(upTo, repositories, blobs);
          });
    }

    @Override
    public void trimJournal(JournalBatch done) {
      write(
          v -> {
            List<Object> entries = new ArrayList<>(done.repositories());
            entries.addAll(done.blobs());
            for (Object entry : entries) {
              Long seq = journalSeqs.get(entry);
              if (seq != null && seq <= done.upTo()) {
                journalSeqs.remove(entry);
                journalBySeq.remove(seq);
              }
            }
            return null;
          });
    }

    @Override
    public void remember(Collection<RepositoryName> repositories, Collection<Digest> blobs) {
      write(
          v -> {
            repositories.forEach(InMemoryMetadataStore.this::journalEntry);
            blobs.forEach(InMemoryMetadataStore.this::journalEntry);
            return null;
          });
    }
  }
}
