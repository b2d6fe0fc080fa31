package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored manifest as garbage collection and retention see it: what it is, when it was pushed and
 * last pulled, its subject (when it is a referrer) and what it refers to in its repository.
 *
 * @param digest the manifest's digest
 * @param mediaType its media type
 * @param size its size in bytes
 * @param pushedAt when it was first pushed to the repository
 * @param pulledAt when it was last pulled, by digest or through a tag
 * @param subject the manifest it refers to as a referrer
 * @param artifactType its artifact type, when it declares one (or its config's media type for a
 *     referrer that does not)
 * @param references its config, layers and child manifests ({@link ContentReference#manifest()} is
 *     this manifest)
 */
public record ManifestNode(
    Digest digest,
    MediaType mediaType,
    long size,
    Instant pushedAt,
    Optional<Instant> pulledAt,
    Optional<Digest> subject,
    Optional<String> artifactType,
    List<ContentReference> references) {

  /** Checks the components and copies the list. */
  public ManifestNode {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(pushedAt, "pushedAt");
    Objects.requireNonNull(pulledAt, "pulledAt");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(artifactType, "artifactType");
    references = List.copyOf(references);
    if (size < 0) {
      throw new IllegalArgumentException("negative manifest size " + size);
    }
  }
}
