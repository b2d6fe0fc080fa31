package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import java.time.Instant;
import java.util.Objects;

/**
 * A blob linked to a repository, for garbage collection: which blob, its size, and when it was last
 * linked there (pushing or mounting it again while linked counts as linking).
 *
 * @param digest the blob's digest
 * @param size its size in bytes
 * @param linkedAt when it was last linked to the repository, or last lost a user
 */
public record BlobLink(Digest digest, long size, Instant linkedAt) {

  /** Checks the components. */
  public BlobLink {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(linkedAt, "linkedAt");
    if (size < 0) {
      throw new IllegalArgumentException("negative blob size " + size);
    }
  }
}
