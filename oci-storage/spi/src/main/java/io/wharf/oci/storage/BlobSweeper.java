package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import java.io.IOException;

/**
 * Deletes the bytes of one blob for {@link LifecycleStore#sweepBlobs}, which calls it while no
 * repository may link that blob; typically {@code digest -> blobs.deleteIfWrittenBefore(digest,
 * cutoff)}.
 */
@FunctionalInterface
public interface BlobSweeper {

  /**
   * Deletes the bytes of {@code digest}, or leaves them.
   *
   * @return whether the bytes were deleted
   */
  boolean sweep(Digest digest) throws IOException;
}
