package io.wharf.oci.storage;

import io.wharf.oci.model.ref.RepositoryName;
import java.util.List;
import java.util.Objects;

/**
 * Everything one repository holds, read in one consistent step, for garbage collection and
 * retention: its tags, its manifests with their references, and its blob links. An absent
 * repository has empty lists.
 *
 * @param repository the repository
 * @param tags its tags, in tag order
 * @param manifests its manifests, in digest order
 * @param links its blob links, in digest order
 */
public record RepositoryContent(
    RepositoryName repository,
    List<TagRecord> tags,
    List<ManifestNode> manifests,
    List<BlobLink> links) {

  /** Checks the components and copies the lists. */
  public RepositoryContent {
    Objects.requireNonNull(repository, "repository");
    tags = List.copyOf(tags);
    manifests = List.copyOf(manifests);
    links = List.copyOf(links);
  }
}
