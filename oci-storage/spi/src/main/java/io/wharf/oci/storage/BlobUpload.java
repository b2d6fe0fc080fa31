package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * An upload session (distribution-spec end-4 … end-6): bytes are appended in order and digested as
 * they arrive; nothing is visible until {@link #commit} verified them. Not thread-safe: one request
 * works on an upload at a time.
 *
 * <p>{@link #close()} releases this handle and keeps the session, which {@link
 * BlobStore#resumeUpload} finds again until it is committed, cancelled or purged.
 *
 * <p>Two methods are safe while another thread writes: {@link #offset()} answers at once with the
 * bytes received so far, and {@link #cancel()} ends the session at once, removing its bytes; the
 * write in progress then fails with {@code BLOB_UPLOAD_UNKNOWN} as soon as its stream yields more
 * bytes or ends, and keeps nothing.
 */
public interface BlobUpload extends Closeable {

  /** The session's identifier. */
  UploadId id();

  /** The algorithm the bytes are digested with. */
  DigestAlgorithm algorithm();

  /** When the session started. */
  Instant startedAt();

  /**
   * The label the session was started with ({@link BlobStore#newUpload(DigestAlgorithm, String)}).
   */
  String label();

  /**
   * How many bytes were received; the next chunk starts here. Answers at once, also while a write
   * is in progress (then with the bytes received so far).
   */
  long offset();

  /** The digest of the bytes received so far. */
  Digest currentDigest();

  /**
   * Appends everything {@code chunk} yields at {@link #offset()}. When the chunk fails part way,
   * the bytes read before the failure are kept and {@link #offset()} says how many there are. The
   * caller closes {@code chunk}.
   *
   * @return the number of bytes appended
   */
  long write(InputStream chunk) throws IOException;

  /**
   * Appends {@code chunk} if it starts at {@code at}, which must equal {@link #offset()}.
   *
   * @throws InvalidContentException with {@link ErrorCode#BLOB_UPLOAD_INVALID} and HTTP status 416
   *     when {@code at} is not the current offset; nothing is read and nothing changes
   */
  default long write(long at, InputStream chunk) throws IOException {
    if (at != offset()) {
      throw outOfOrder(at, offset());
    }
    return write(chunk);
  }

  /**
   * Verifies that the bytes have digest {@code expected} and publishes them as a blob, atomically.
   * The session ends. A blob that already exists is not written again.
   *
   * <p>{@code expected} may use another registered algorithm than {@link #algorithm()}: the
   * distribution-spec lets a client that did not name {@code digest-algorithm} when it started the
   * upload finish it with, say, a {@code sha512:} digest. The bytes received are then read again
   * and digested with that algorithm, once, at commit.
   *
   * @throws InvalidContentException with {@link ErrorCode#DIGEST_INVALID} when the bytes have
   *     another digest, or {@code expected} uses an algorithm Wharf cannot verify; nothing becomes
   *     visible and the session stays as it was
   */
  BlobInfo commit(Digest expected) throws IOException;

  /**
   * As {@link #commit(Digest)}, and checks the size too.
   *
   * @throws InvalidContentException with {@link ErrorCode#SIZE_INVALID} when the bytes are not
   *     {@code expectedSize} long
   */
  default BlobInfo commit(Digest expected, long expectedSize) throws IOException {
    if (offset() != expectedSize) {
      throw new InvalidContentException(
          ErrorCode.SIZE_INVALID,
          "upload " + id() + " has " + offset() + " bytes, expected " + expectedSize);
    }
    return commit(expected);
  }

  /**
   * Ends the session and removes its bytes, at once, also while another thread writes to it (that
   * write then fails with {@code BLOB_UPLOAD_UNKNOWN}). Idempotent.
   */
  void cancel() throws IOException;

  /** An out-of-order chunk: BLOB_UPLOAD_INVALID with status 416 (distribution-spec end-5). */
  static InvalidContentException outOfOrder(long at, long offset) {
    return new InvalidContentException(
        ErrorCode.BLOB_UPLOAD_INVALID,
        "chunk starts at byte " + at + " but the upload has " + offset + " bytes",
        null,
        416,
        null);
  }

  /** A digest mismatch at commit. */
  static InvalidContentException digestMismatch(Digest expected, Digest actual) {
    return new InvalidContentException(
        ErrorCode.DIGEST_INVALID, "uploaded content has digest " + actual + ", not " + expected);
  }
}
