package io.wharf.oci.client.copy;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** A repository of a registry as a copy's source. */
final class RegistrySource implements ImageSource {

  private final RegistryClient client;
  private final Reference reference;
  private final Repository repository;

  RegistrySource(RegistryClient client, Reference reference) {
    if (!reference.hasIdentifier()) {
      throw new IllegalArgumentException("source " + reference + " names no tag or digest");
    }
    this.client = client;
    this.reference = reference;
    this.repository = Repository.of(reference);
  }

  @Override
  public RawManifest root() throws IOException {
    return client.getManifest(reference);
  }

  @Override
  public RawManifest manifest(Descriptor descriptor) throws IOException {
    RawManifest m = client.getManifest(reference.atDigest(descriptor.digest()));
    if (m.bytes().size() != descriptor.size()) {
      throw new InvalidContentException(
          ErrorCode.SIZE_INVALID,
          "manifest "
              + descriptor.digest()
              + " in "
              + repository
              + " has "
              + m.bytes().size()
              + " bytes, its descriptor says "
              + descriptor.size());
    }
    return m;
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    return client.openBlob(repository, blob.digest(), blob.size());
  }

  @Override
  public List<Descriptor> referrers(Descriptor subject) throws IOException {
    return client.referrers(repository, subject.digest());
  }

  @Override
  public Optional<Repository> repository() {
    return Optional.of(repository);
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "docker://" + reference;
  }
}
