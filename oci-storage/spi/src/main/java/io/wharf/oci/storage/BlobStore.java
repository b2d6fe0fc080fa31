package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Content-addressed bytes, global to a registry: repositories only link to blobs ({@link
 * MetadataStore#linkBlob}). A blob is never visible before its digest was verified, and once
 * visible its bytes never change. Implementations are thread-safe.
 *
 * <p>Errors: {@link IOException} when bytes could not move; {@link NotFoundException} ({@code
 * BLOB_UNKNOWN}, {@code BLOB_UPLOAD_UNKNOWN}) for what is not there; {@code
 * InvalidContentException} for bad input.
 */
public interface BlobStore extends Closeable {

  /** The size of blob {@code digest}, or empty when it is not stored. */
  Optional<BlobInfo> stat(Digest digest) throws IOException;

  /**
   * Opens blob {@code digest}. The caller closes the stream.
   *
   * @throws NotFoundException with {@link ErrorCode#BLOB_UNKNOWN} when it is not stored
   */
  InputStream open(Digest digest) throws IOException;

  /**
   * Opens {@code range} of blob {@code digest}; the range must lie within the blob (see {@link
   * ByteRange#parse}). The caller closes the stream.
   *
   * @throws NotFoundException with {@link ErrorCode#BLOB_UNKNOWN} when it is not stored
   */
  InputStream open(Digest digest, ByteRange range) throws IOException;

  /**
   * Writes {@code range} of blob {@code digest} to {@code target}, which stays open. The default
   * copies through {@link #open(Digest, ByteRange)}; stores backed by files override it to transfer
   * without copying through the heap (zero-copy {@code sendfile} when {@code target} is a socket).
   *
   * @return the number of bytes written
   * @throws NotFoundException with {@link ErrorCode#BLOB_UNKNOWN} when it is not stored
   */
  default long transferTo(Digest digest, ByteRange range, WritableByteChannel target)
      throws IOException {
    try (InputStream in = open(digest, range)) {
      return in.transferTo(Channels.newOutputStream(target));
    }
  }

  /** Starts an upload digested with sha256. */
  default BlobUpload newUpload() throws IOException {
    return newUpload(DigestAlgorithm.SHA256);
  }

  /** Starts an upload digested with {@code algorithm}, without a label. */
  default BlobUpload newUpload(DigestAlgorithm algorithm) throws IOException {
    return newUpload(algorithm, "");
  }

  /**
   * Starts an upload digested with {@code algorithm} that carries {@code label}: a text opaque to
   * the store, kept with the session for as long as it lives and read back by {@link
   * BlobUpload#label()} and {@link #uploads()}. The registry engine keeps there whom the session
   * belongs to, so that it finds its sessions again after a restart.
   *
   * @param label at most {@link UploadInfo#MAX_LABEL_LENGTH} characters, no control characters
   * @throws IllegalArgumentException when the label is not one a store can keep
   */
  BlobUpload newUpload(DigestAlgorithm algorithm, String label) throws IOException;

  /**
   * The upload {@code id}, if it still exists. Cheap: a store may defer reading what the session
   * holds (re-hashing the bytes staged before a restart) to the first write or commit, so that a
   * status request or a cancel costs no more than a look-up.
   */
  Optional<BlobUpload> resumeUpload(UploadId id) throws IOException;

  /**
   * The uploads open in this store: those not committed, cancelled or purged, including the ones an
   * earlier process left (where {@link StorageFeature#RESUMABLE_UPLOADS}). An upload started or
   * ended while the list is made may or may not be in it.
   */
  List<UploadInfo> uploads() throws IOException;

  /**
   * Removes blob {@code digest}; readers that opened it before may finish.
   *
   * @return whether it existed
   */
  boolean delete(Digest digest) throws IOException;

  /** Every stored blob, for garbage collection. The caller closes the stream. */
  Stream<Digest> list() throws IOException;

  /**
   * Every stored blob with its size and last write time, for garbage collection. The caller closes
   * the stream. The default asks {@link #stat} for each blob of {@link #list} and reports it as
   * written now, so that a store that does not know when its blobs were written never has one old
   * enough to collect.
   */
  default Stream<StoredBlob> inventory() throws IOException {
    Instant now = Instant.now();
    return list()
        .map(
            digest -> {
              try {
                return stat(digest).map(info -> new StoredBlob(digest, info.size(), now));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .flatMap(Optional::stream);
  }

  /**
   * Removes blob {@code digest} when its bytes were last written (committed) before {@code cutoff};
   * a blob committed again since stays. Garbage collection deletes through this, so that an upload
   * that commits a digest while it is being collected keeps its bytes. The default never deletes (a
   * store that does not know when its blobs were written cannot tell).
   *
   * @return whether the blob was removed
   */
  default boolean deleteIfWrittenBefore(Digest digest, Instant cutoff) throws IOException {
    return false;
  }

  /**
   * Cancels the uploads that started before {@code startedBefore}.
   *
   * @return how many were removed
   */
  int purgeUploads(Instant startedBefore) throws IOException;

  /**
   * Writes all of {@code content} as one blob that must have digest {@code expected}. The caller
   * closes {@code content}.
   */
  default BlobInfo put(InputStream content, Digest expected) throws IOException {
    try (BlobUpload upload = newUpload(expected.requireAlgorithm())) {
      try {
        upload.write(content);
        return upload.commit(expected);
      } catch (IOException | RuntimeException e) {
        upload.cancel();
        throw e;
      }
    }
  }

  /** A URL clients may fetch blob {@code digest} from instead, when the store offers one. */
  default Optional<URI> redirect(Digest digest) throws IOException {
    return Optional.empty();
  }

  /** The optional capabilities of this store. */
  default Set<StorageFeature> features() {
    return EnumSet.noneOf(StorageFeature.class);
  }

  /** Releases resources; uploads stay resumable where {@link StorageFeature#RESUMABLE_UPLOADS}. */
  @Override
  default void close() throws IOException {}
}
