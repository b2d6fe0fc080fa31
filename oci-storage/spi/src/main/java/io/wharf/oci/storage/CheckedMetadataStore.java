package io.wharf.oci.storage;

import static io.wharf.oci.storage.CheckedBlobStore.guard;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Wraps a {@link MetadataStore} so that every backend behaves the same at the edges: a manifest put
 * must be consistent (its referrer descriptor describes its manifest), {@link #lifecycle()}'s
 * arguments are checked and bounded, and unexpected runtime failures become {@link
 * io.wharf.oci.model.error.StorageException}s that name the operation.
 */
public final class CheckedMetadataStore implements MetadataStore {

  private final MetadataStore delegate;
  private final LifecycleStore lifecycle = new CheckedLifecycle();

  private CheckedMetadataStore(MetadataStore delegate) {
    this.delegate = delegate;
  }

  /** {@code store} wrapped, unless it already is. */
  public static MetadataStore wrap(MetadataStore store) {
    return store instanceof CheckedMetadataStore ? store : new CheckedMetadataStore(store);
  }

  @Override
  public Map<Tag, Digest> putManifest(RepositoryName repository, ManifestPut put)
      throws IOException {
    RawManifest m = put.manifest();
    Descriptor r = put.referrer();
    if (!r.digest().equals(m.digest()) || r.size() != m.size()) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID,
          "referrer descriptor " + r.digest() + " does not describe manifest " + m.digest());
    }
    return guard(
        "put manifest " + m.digest() + " in " + repository,
        () -> delegate.putManifest(repository, put));
  }

  @Override
  public Optional<RawManifest> getManifest(RepositoryName repository, Digest digest)
      throws IOException {
    return guard(
        "get manifest " + digest + " in " + repository,
        () -> delegate.getManifest(repository, digest));
  }

  @Override
  public Optional<ManifestRecord> statManifest(RepositoryName repository, Digest digest)
      throws IOException {
    return guard(
        "stat manifest " + digest + " in " + repository,
        () -> delegate.statManifest(repository, digest));
  }

  @Override
  public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) throws IOException {
    return guard(
        "resolve tag " + tag + " in " + repository, () -> delegate.resolveTag(repository, tag));
  }

  @Override
  public boolean deleteManifest(RepositoryName repository, Digest digest) throws IOException {
    return guard(
        "delete manifest " + digest + " in " + repository,
        () -> delegate.deleteManifest(repository, digest));
  }

  @Override
  public boolean deleteTag(RepositoryName repository, Tag tag) throws IOException {
    return guard(
        "delete tag " + tag + " in " + repository, () -> delegate.deleteTag(repository, tag));
  }

  @Override
  public Page<Tag> tags(RepositoryName repository, PageRequest page) throws IOException {
    return guard("list tags of " + repository, () -> delegate.tags(repository, page));
  }

  @Override
  public List<TagRecord> tagRecords(RepositoryName repository) throws IOException {
    return guard("list tags of " + repository, () -> delegate.tagRecords(repository));
  }

  @Override
  public List<ManifestRecord> manifestRecords(RepositoryName repository) throws IOException {
    return guard("list manifests of " + repository, () -> delegate.manifestRecords(repository));
  }

  @Override
  public List<Descriptor> referrers(
      RepositoryName repository, Digest subject, Optional<MediaType> artifactType)
      throws IOException {
    return guard(
        "list referrers of " + subject + " in " + repository,
        () -> delegate.referrers(repository, subject, artifactType));
  }

  @Override
  public Page<RepositoryName> repositories(PageRequest page) throws IOException {
    return guard("list repositories", () -> delegate.repositories(page));
  }

  @Override
  public boolean repositoryExists(RepositoryName repository) throws IOException {
    return guard("look up " + repository, () -> delegate.repositoryExists(repository));
  }

  @Override
  public boolean linkBlob(RepositoryName repository, BlobInfo blob) throws IOException {
    return guard(
        "link blob " + blob.digest() + " to " + repository,
        () -> delegate.linkBlob(repository, blob));
  }

  @Override
  public boolean isBlobLinked(RepositoryName repository, Digest blob) throws IOException {
    return guard(
        "look up blob " + blob + " in " + repository,
        () -> delegate.isBlobLinked(repository, blob));
  }

  @Override
  public boolean unlinkBlob(RepositoryName repository, Digest blob) throws IOException {
    return guard(
        "unlink blob " + blob + " from " + repository, () -> delegate.unlinkBlob(repository, blob));
  }

  @Override
  public List<ContentReference> referencesTo(RepositoryName repository, Digest target)
      throws IOException {
    return guard(
        "list the references to " + target + " in " + repository,
        () -> delegate.referencesTo(repository, target));
  }

  @Override
  public Page<Digest> blobLinks(RepositoryName repository, PageRequest page) throws IOException {
    return guard("list blob links of " + repository, () -> delegate.blobLinks(repository, page));
  }

  @Override
  public Stream<Digest> linkedBlobs() throws IOException {
    return guard("list linked blobs", delegate::linkedBlobs);
  }

  @Override
  public void recordPull(RepositoryName repository, Digest digest, Optional<Tag> tag, Instant at)
      throws IOException {
    guard(
        "record a pull of " + digest + " in " + repository,
        () -> {
          delegate.recordPull(repository, digest, tag, at);
          return null;
        });
  }

  @Override
  public long usage(RepositoryName repository) throws IOException {
    return guard("compute the usage of " + repository, () -> delegate.usage(repository));
  }

  @Override
  public ProjectUsage projectUsage(String project) throws IOException {
    ProjectUsage.checkProject(project);
    return guard("compute the usage of project " + project, () -> delegate.projectUsage(project));
  }

  @Override
  public boolean projectHolds(String project, Digest content) throws IOException {
    ProjectUsage.checkProject(project);
    return guard(
        "look up " + content + " in project " + project,
        () -> delegate.projectHolds(project, content));
  }

  @Override
  public io.wharf.oci.storage.access.AccessStore access() {
    return delegate.access();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Checked: arguments must not be null nor hold nulls, a journal limit must be positive, and no
   * call takes more than {@link LifecycleStore#MAX_BATCH} digests or entries ({@link
   * IllegalArgumentException} otherwise); runtime failures of the backend, or of the sweeper,
   * become {@link io.wharf.oci.model.error.StorageException}s.
   */
  @Override
  public LifecycleStore lifecycle() {
    return lifecycle;
  }

  /** The checks of {@link #lifecycle()}, around the delegate's. */
  private final class CheckedLifecycle implements LifecycleStore {

    @Override
    public RepositoryContent content(RepositoryName repository) throws IOException {
      Objects.requireNonNull(repository, "repository");
      return guard(
          "read the content of " + repository, () -> delegate.lifecycle().content(repository));
    }

    @Override
    public boolean removeTag(RepositoryName repository, Tag tag, Digest digest) throws IOException {
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(tag, "tag");
      Objects.requireNonNull(digest, "digest");
      return guard(
          "remove tag " + tag + " of " + digest + " in " + repository,
          () -> delegate.lifecycle().removeTag(repository, tag, digest));
    }

    @Override
    public boolean collectManifest(RepositoryName repository, Digest digest, Instant pushedBefore)
        throws IOException {
      return collect(
          "collect manifest " + digest + " in " + repository,
          repository,
          digest,
          pushedBefore,
          () -> delegate.lifecycle().collectManifest(repository, digest, pushedBefore));
    }

    @Override
    public boolean collectLink(RepositoryName repository, Digest digest, Instant linkedBefore)
        throws IOException {
      return collect(
          "collect the link of " + digest + " in " + repository,
          repository,
          digest,
          linkedBefore,
          () -> delegate.lifecycle().collectLink(repository, digest, linkedBefore));
    }

    private boolean collect(
        String what,
        RepositoryName repository,
        Digest digest,
        Instant before,
        CheckedBlobStore.Call<Boolean> call)
        throws IOException {
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(before, "cutoff");
      return guard(what, call);
    }

    @Override
    public List<Digest> collectLinks(
        RepositoryName repository, Collection<Digest> digests, Instant linkedBefore)
        throws IOException {
      Objects.requireNonNull(repository, "repository");
      List<Digest> checked = bounded(digests, "digests", MAX_BATCH);
      Objects.requireNonNull(linkedBefore, "linkedBefore");
      return List.copyOf(
          guard(
              "collect " + checked.size() + " links in " + repository,
              () -> delegate.lifecycle().collectLinks(repository, checked, linkedBefore)));
    }

    @Override
    public List<Digest> sweepBlobs(Collection<Digest> digests, BlobSweeper sweeper)
        throws IOException {
      List<Digest> checked = bounded(digests, "digests", MAX_BATCH);
      Objects.requireNonNull(sweeper, "sweeper");
      return List.copyOf(
          guard(
              "sweep " + checked.size() + " blobs",
              () -> delegate.lifecycle().sweepBlobs(checked, sweeper)));
    }

    @Override
    public JournalBatch journal(int limit) throws IOException {
      if (limit <= 0 || limit > MAX_BATCH) {
        throw new IllegalArgumentException(
            "journal limit must be between 1 and " + MAX_BATCH + ", not " + limit);
      }
      return guard("read the journal", () -> delegate.lifecycle().journal(limit));
    }

    @Override
    public void trimJournal(JournalBatch done) throws IOException {
      Objects.requireNonNull(done, "done");
      guard(
          "trim the journal",
          () -> {
            delegate.lifecycle().trimJournal(done);
            return null;
          });
    }

    @Override
    public void remember(Collection<RepositoryName> repositories, Collection<Digest> blobs)
        throws IOException {
      List<RepositoryName> names = bounded(repositories, "repositories", MAX_BATCH);
      List<Digest> digests = bounded(blobs, "blobs", MAX_BATCH - names.size());
      guard(
          "journal " + names.size() + " repositories and " + digests.size() + " blobs",
          () -> {
            delegate.lifecycle().remember(names, digests);
            return null;
          });
    }
  }

  /**
   * {@code items} copied, when there are at most {@code max} of them and none is null.
   *
   * @throws IllegalArgumentException when there are more, or one is null
   */
  private static <T> List<T> bounded(Collection<T> items, String what, int max) {
    Objects.requireNonNull(items, what);
    if (items.size() > max) {
      throw new IllegalArgumentException(
          "at most " + max + " " + what + " in one call, not " + items.size());
    }
    List<T> copy = new ArrayList<>(items.size());
    for (T item : items) {
      if (item == null) {
        throw new IllegalArgumentException(what + " must not hold null");
      }
      copy.add(item);
    }
    return copy;
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
