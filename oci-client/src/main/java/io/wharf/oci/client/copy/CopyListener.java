package io.wharf.oci.client.copy;

import io.wharf.oci.model.Descriptor;

/**
 * Progress of a copy, per blob and in total. Every method has a no-op default. Blob methods are
 * called on the thread that moves the blob (several at once), so implementations must be quick and
 * thread-safe; an exception thrown by a listener is ignored.
 */
public interface CopyListener {

  /** A listener that does nothing. */
  CopyListener NONE = new CopyListener() {};

  /** The manifests are read; {@code totals} says how many blobs and bytes the copy needs. */
  default void planned(CopyProgress totals) {}

  /** Blob {@code blob} starts moving. */
  default void blobStarted(Descriptor blob) {}

  /**
   * Bytes of {@code blob} moved.
   *
   * @param bytesDone the blob's bytes read so far
   * @param totals the whole copy's totals at this moment
   */
  default void blobProgressed(Descriptor blob, long bytesDone, CopyProgress totals) {}

  /** Blob {@code blob} is at the destination. */
  default void blobFinished(Descriptor blob, BlobOutcome outcome, CopyProgress totals) {}

  /** Manifest {@code manifest} is written to the destination. */
  default void manifestWritten(Descriptor manifest, ManifestRole role) {}
}
