package io.wharf.oci.client;

/**
 * Progress of blob transfers. Every method has a no-op default. Called on the thread that moves the
 * bytes, so implementations must be quick and thread-safe (several blobs may move at once); an
 * exception thrown by a listener is logged and ignored.
 *
 * <p>For each transfer: {@link #started} once, {@link #progressed} as bytes move (the count can go
 * back when an upload resumes from an earlier offset the registry reports), then {@link #finished}
 * or {@link #failed} once.
 */
public interface TransferListener {

  /** A listener that does nothing. */
  TransferListener NONE = new TransferListener() {};

  /** The transfer starts. */
  default void started(Transfer transfer) {}

  /**
   * Bytes moved.
   *
   * @param bytesDone the blob's bytes sent (push) or received and verified so far (pull); for a
   *     pull that resumed, counting from the start of the blob
   */
  default void progressed(Transfer transfer, long bytesDone) {}

  /** The transfer ended well: the registry took the blob, or the reader got all of it verified. */
  default void finished(Transfer transfer) {}

  /** The transfer ended badly. */
  default void failed(Transfer transfer, Exception cause) {}
}
