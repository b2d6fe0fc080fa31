package io.wharf.oci.server;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.Digests;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ContentReference;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.TagRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** {@link ContentView} over the registry's stores, confined to one repository. */
final class StoreContentView implements ContentView {

  private final RepositoryName repository;
  private final RegistryStorage storage;

  StoreContentView(RepositoryName repository, RegistryStorage storage) {
    this.repository = repository;
    this.storage = storage;
  }

  @Override
  public RepositoryName repository() {
    return repository;
  }

  @Override
  public Optional<RawManifest> manifest(Digest digest) throws IOException {
    return storage.metadata().getManifest(repository, digest);
  }

  @Override
  public Optional<Digest> resolve(Tag tag) throws IOException {
    return storage.metadata().resolveTag(repository, tag);
  }

  @Override
  public List<Tag> tagsOf(Digest digest) throws IOException {
    return tagsOf(storage.metadata(), repository, digest);
  }

  /** The tags of {@code repository} that point at {@code digest}, in text order. */
  static List<Tag> tagsOf(MetadataStore metadata, RepositoryName repository, Digest digest)
      throws IOException {
    List<Tag> tags = new ArrayList<>();
    for (TagRecord record : metadata.tagRecords(repository)) {
      if (record.digest().equals(digest)) {
        tags.add(record.tag());
      }
    }
    tags.sort(Comparator.naturalOrder());
    return tags;
  }

  @Override
  public List<Digest> indexesOf(Digest digest) throws IOException {
    List<Digest> indexes = new ArrayList<>(1);
    for (ContentReference reference : storage.metadata().referencesTo(repository, digest)) {
      if (reference.kind() == ContentReference.Kind.CHILD) {
        indexes.add(reference.manifest());
      }
    }
    return indexes;
  }

  @Override
  public List<Descriptor> referrers(Digest subject, Optional<MediaType> artifactType)
      throws IOException {
    return storage.metadata().referrers(repository, subject, artifactType);
  }

  @Override
  public Optional<Long> blobSize(Digest digest) throws IOException {
    return linked(digest).map(BlobInfo::size);
  }

  @Override
  public InputStream openBlob(Digest digest) throws IOException {
    BlobInfo info =
        linked(digest)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is unknown in " + repository));
    return Digests.verifying(storage.blobs().open(digest), digest, info.size());
  }

  private Optional<BlobInfo> linked(Digest digest) throws IOException {
    if (!storage.metadata().isBlobLinked(repository, digest)) {
      return Optional.empty();
    }
    return storage.blobs().stat(digest);
  }

  @Override
  public String toString() {
    return "content of " + repository;
  }
}
