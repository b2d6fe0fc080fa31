package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import java.time.Instant;
import java.util.Objects;

/**
 * A committed blob as its store holds it, for garbage collection: its digest, its size and when its
 * bytes were last written (a commit of a digest that was already stored counts as a write).
 *
 * @param digest the blob's digest
 * @param size its size in bytes
 * @param writtenAt when it was last committed
 */
public record StoredBlob(Digest digest, long size, Instant writtenAt) {

  /** Checks the components. */
  public StoredBlob {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(writtenAt, "writtenAt");
    if (size < 0) {
      throw new IllegalArgumentException("negative blob size " + size);
    }
  }
}
