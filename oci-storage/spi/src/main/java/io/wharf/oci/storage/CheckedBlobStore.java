package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.error.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Wraps a {@link BlobStore} so that every backend behaves the same at the edges (cf. distribution's
 * {@code driver/base}): digests of algorithms Wharf cannot verify never reach the backend, ranges
 * are checked against the blob's size, out-of-order chunks are refused before the backend reads
 * them, and unexpected runtime failures become {@link StorageException}s that name the operation.
 */
public final class CheckedBlobStore implements BlobStore {

  private final BlobStore delegate;

  private CheckedBlobStore(BlobStore delegate) {
    this.delegate = delegate;
  }

  /** {@code store} wrapped, unless it already is. */
  public static BlobStore wrap(BlobStore store) {
    return store instanceof CheckedBlobStore ? store : new CheckedBlobStore(store);
  }

  @FunctionalInterface
  interface Call<T> {
    T run() throws IOException;
  }

  static <T> T guard(String operation, Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (OciException | IOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StorageException(ErrorCode.UNKNOWN, "storage failed to " + operation, e);
    }
  }

  private static boolean verifiable(Digest digest) {
    return digest.algorithmKind().isPresent();
  }

  private static NotFoundException unknown(Digest digest) {
    return new NotFoundException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not stored");
  }

  @Override
  public Optional<BlobInfo> stat(Digest digest) throws IOException {
    if (!verifiable(digest)) {
      return Optional.empty();
    }
    return guard("stat blob " + digest, () -> delegate.stat(digest));
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    if (!verifiable(digest)) {
      throw unknown(digest);
    }
    return guard("open blob " + digest, () -> delegate.open(digest));
  }

  @Override
  public InputStream open(Digest digest, ByteRange range) throws IOException {
    checkRange(digest, range);
    return guard("open blob " + digest, () -> delegate.open(digest, range));
  }

  @Override
  public long transferTo(Digest digest, ByteRange range, WritableByteChannel target)
      throws IOException {
    checkRange(digest, range);
    return guard("transfer blob " + digest, () -> delegate.transferTo(digest, range, target));
  }

  private void checkRange(Digest digest, ByteRange range) throws IOException {
    range.checkWithin(digest, stat(digest).orElseThrow(() -> unknown(digest)).size());
  }

  @Override
  public BlobUpload newUpload(DigestAlgorithm algorithm, String label) throws IOException {
    UploadInfo.checkLabel(label);
    return new CheckedUpload(guard("start an upload", () -> delegate.newUpload(algorithm, label)));
  }

  @Override
  public Optional<BlobUpload> resumeUpload(UploadId id) throws IOException {
    return guard("resume upload " + id, () -> delegate.resumeUpload(id))
        .map(u -> (BlobUpload) new CheckedUpload(u));
  }

  @Override
  public List<UploadInfo> uploads() throws IOException {
    return List.copyOf(guard("list uploads", delegate::uploads));
  }

  @Override
  public boolean delete(Digest digest) throws IOException {
    if (!verifiable(digest)) {
      return false;
    }
    return guard("delete blob " + digest, () -> delegate.delete(digest));
  }

  @Override
  public Stream<Digest> list() throws IOException {
    return guard("list blobs", delegate::list);
  }

  @Override
  public Stream<StoredBlob> inventory() throws IOException {
    return guard("list blobs", delegate::inventory);
  }

  @Override
  public boolean deleteIfWrittenBefore(Digest digest, Instant cutoff) throws IOException {
    java.util.Objects.requireNonNull(cutoff, "cutoff");
    if (!verifiable(digest)) {
      return false;
    }
    return guard(
        "delete blob " + digest + " if written before " + cutoff,
        () -> delegate.deleteIfWrittenBefore(digest, cutoff));
  }

  @Override
  public int purgeUploads(Instant startedBefore) throws IOException {
    return guard("purge uploads", () -> delegate.purgeUploads(startedBefore));
  }

  @Override
  public Optional<URI> redirect(Digest digest) throws IOException {
    if (!verifiable(digest)) {
      return Optional.empty();
    }
    return guard("redirect blob " + digest, () -> delegate.redirect(digest));
  }

  @Override
  public Set<StorageFeature> features() {
    return delegate.features();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  private static final class CheckedUpload implements BlobUpload {
    private final BlobUpload delegate;

    CheckedUpload(BlobUpload delegate) {
      this.delegate = delegate;
    }

    @Override
    public UploadId id() {
      return delegate.id();
    }

    @Override
    public DigestAlgorithm algorithm() {
      return delegate.algorithm();
    }

    @Override
    public Instant startedAt() {
      return delegate.startedAt();
    }

    @Override
    public String label() {
      return delegate.label();
    }

    @Override
    public long offset() {
      return delegate.offset();
    }

    @Override
    public Digest currentDigest() {
      return delegate.currentDigest();
    }

    @Override
    public long write(InputStream chunk) throws IOException {
      return guard("write to upload " + id(), () -> delegate.write(chunk));
    }

    @Override
    public long write(long at, InputStream chunk) throws IOException {
      if (at != offset()) {
        throw BlobUpload.outOfOrder(at, offset());
      }
      return write(chunk);
    }

    @Override
    public BlobInfo commit(Digest expected) throws IOException {
      expected.requireAlgorithm(); // DIGEST_INVALID for an algorithm Wharf cannot verify
      return guard("commit upload " + id(), () -> delegate.commit(expected));
    }

    @Override
    public BlobInfo commit(Digest expected, long expectedSize) throws IOException {
      if (offset() != expectedSize) {
        throw new InvalidContentException(
            ErrorCode.SIZE_INVALID,
            "upload " + id() + " has " + offset() + " bytes, expected " + expectedSize);
      }
      return commit(expected);
    }

    @Override
    public void cancel() throws IOException {
      guard(
          "cancel upload " + id(),
          () -> {
            delegate.cancel();
            return null;
          });
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
