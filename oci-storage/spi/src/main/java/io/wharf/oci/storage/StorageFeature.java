package io.wharf.oci.storage;

/** Optional capabilities of a store, declared by {@code features()}; the TCK skips by feature. */
public enum StorageFeature {
  /**
   * {@link BlobStore#open(io.wharf.oci.model.Digest, ByteRange)} reads a range without reading the
   * rest.
   */
  RANGE_READS,
  /** Uploads survive closing the store and opening it again (a process restart). */
  RESUMABLE_UPLOADS,
  /** {@link BlobStore#redirect} may send clients to another URL for the bytes. */
  REDIRECTS,
  /** {@link BlobStore#list()} enumerates every blob, for garbage collection. */
  ENUMERATION,
  /** sha512 blobs are stored and verified. */
  SHA512
}
