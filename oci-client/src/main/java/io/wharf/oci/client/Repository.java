package io.wharf.oci.client;

import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;

/**
 * A repository on a registry: where blobs, manifests and tags live.
 *
 * @param registry the registry
 * @param name the repository name
 */
public record Repository(RegistryHost registry, RepositoryName name) {

  /** The repository of {@code reference}, whatever its tag or digest. */
  public static Repository of(Reference reference) {
    return new Repository(reference.registry(), reference.repository());
  }

  /** {@code registry/name}. */
  @Override
  public String toString() {
    return registry + "/" + name;
  }
}
