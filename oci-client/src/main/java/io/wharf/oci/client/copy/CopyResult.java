package io.wharf.oci.client.copy;

import io.wharf.oci.model.Descriptor;
import java.time.Duration;
import java.util.List;

/**
 * What a copy did.
 *
 * @param root the manifest written under the destination's tag (the source's root, the manifest of
 *     the platform chosen, or the filtered index)
 * @param manifests every manifest written, in the order written (children, root, referrers)
 * @param blobsCopied blobs whose bytes moved
 * @param blobsExisting blobs the destination had already
 * @param blobsMounted blobs mounted from the source repository
 * @param bytesCopied the bytes of the blobs copied
 * @param elapsed how long the copy took
 */
public record CopyResult(
    Descriptor root,
    List<Descriptor> manifests,
    int blobsCopied,
    int blobsExisting,
    int blobsMounted,
    long bytesCopied,
    Duration elapsed) {

  /** Copies. */
  public CopyResult {
    manifests = List.copyOf(manifests);
  }
}
