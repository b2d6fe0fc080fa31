package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;

/**
 * What a store knows of a committed blob.
 *
 * @param digest the blob's digest
 * @param size its size in bytes
 */
public record BlobInfo(Digest digest, long size) {
  /** Validates. */
  public BlobInfo {
    if (size < 0) {
      throw new IllegalArgumentException("negative blob size " + size);
    }
  }
}
