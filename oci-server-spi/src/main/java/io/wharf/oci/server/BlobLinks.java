package io.wharf.oci.server;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.StillReferencedException;
import java.io.IOException;

/**
 * Links a blob to a repository safely while garbage collection runs. A collector deletes a blob's
 * bytes only while no repository can link it ({@link
 * io.wharf.oci.storage.LifecycleStore#sweepBlobs}), so a link made just after a sweep of the same
 * digest finds the bytes gone: checking the blob store after linking tells, and the link is undone.
 * A link that sees the bytes is safe from then on: no collector deletes a linked blob.
 */
final class BlobLinks {

  private BlobLinks() {}

  /**
   * Links {@code blob} to {@code repository} and checks that its bytes are still stored.
   *
   * @return whether the blob is linked and stored; {@code false} when a garbage collection deleted
   *     its bytes meanwhile (the link is undone)
   */
  static boolean link(
      MetadataStore metadata, BlobStore blobs, RepositoryName repository, BlobInfo blob)
      throws IOException {
    metadata.linkBlob(repository, blob);
    if (blobs.stat(blob.digest()).isPresent()) {
      return true;
    }
    try {
      metadata.unlinkBlob(repository, blob.digest());
    } catch (StillReferencedException e) {
      // A manifest pushed in between refers to it: it is that push's dangling reference to
      // report (fsck does), not this request's; the request still fails.
    }
    return false;
  }
}
