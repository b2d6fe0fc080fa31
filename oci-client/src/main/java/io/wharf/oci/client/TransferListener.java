package io.wharf.oci.client;

/**
 * Progress of blob transfers. Every method has a no-op default. Called on the thread that moves the
 * bytes, so implementations must be quick and thread-safe (several blobs may move at once); an
 * exception thrown by a listener is logged and ignored.
 *
 * <p>For each transfer: {@link #started} once, {@link #progressed} as bytes move, {@link #resumed}
 * when a broken transfer goes on from an offset, then {@link #finished} or {@link #failed} once.
 * The counts {@link #progressed} reports never go back: when an upload resumes from an earlier
 * offset than was sent (the registry had not kept every byte, or the session had to start over),
 * {@link #resumed} says so and the count stays where it was until the transfer passes it again.
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

  /**
   * The transfer broke and goes on from byte {@code offset}: the byte after the last one received
   * (pull), or where the registry says the upload stands, 0 for a new session (push).
   */
  default void resumed(Transfer transfer, long offset) {}

  /** The transfer ended well: the registry took the blob, or the reader got all of it verified. */
  default void finished(Transfer transfer) {}

  /** The transfer ended badly. */
  default void failed(Transfer transfer, Exception cause) {}
}
