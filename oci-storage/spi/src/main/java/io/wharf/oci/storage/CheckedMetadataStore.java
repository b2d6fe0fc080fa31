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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Wraps a {@link MetadataStore} so that every backend behaves the same at the edges: a manifest put
 * must be consistent (its referrer descriptor describes its manifest), and unexpected runtime
 * failures become {@link io.wharf.oci.model.error.StorageException}s that name the operation.
 */
public final class CheckedMetadataStore implements MetadataStore {

  private final MetadataStore delegate;

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

  @Override
  public LifecycleStore lifecycle() {
    // TEMPORARY (issue 15 contract): forwarded unchecked until the storage part wraps it.
    return delegate.lifecycle();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
