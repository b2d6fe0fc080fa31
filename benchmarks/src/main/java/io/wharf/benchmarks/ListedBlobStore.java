package io.wharf.benchmarks;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.ByteRange;
import io.wharf.oci.storage.StoredBlob;
import io.wharf.oci.storage.UploadId;
import io.wharf.oci.storage.UploadInfo;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A blob store that stores no bytes, for garbage collection's decisions at scale: it lists the
 * blobs it was given, with their sizes and write times ({@link #inventory()}), answers {@link
 * #stat}, and forgets what {@link #deleteIfWrittenBefore} or {@link #delete} removes. Reading or
 * uploading bytes is unsupported.
 */
final class ListedBlobStore implements BlobStore {

  private final Map<Digest, StoredBlob> blobs = new ConcurrentHashMap<>();

  /** Adds {@code blob} to the listing. */
  void add(StoredBlob blob) {
    blobs.put(blob.digest(), blob);
  }

  /** How many blobs are listed. */
  int size() {
    return blobs.size();
  }

  @Override
  public Optional<BlobInfo> stat(Digest digest) {
    StoredBlob blob = blobs.get(digest);
    return blob == null ? Optional.empty() : Optional.of(new BlobInfo(digest, blob.size()));
  }

  @Override
  public InputStream open(Digest digest) {
    throw new UnsupportedOperationException("this store holds no bytes");
  }

  @Override
  public InputStream open(Digest digest, ByteRange range) {
    throw new UnsupportedOperationException("this store holds no bytes");
  }

  @Override
  public BlobUpload newUpload(DigestAlgorithm algorithm, String label) {
    throw new UnsupportedOperationException("this store takes no uploads");
  }

  @Override
  public Optional<BlobUpload> resumeUpload(UploadId id) {
    return Optional.empty();
  }

  @Override
  public List<UploadInfo> uploads() {
    return List.of();
  }

  @Override
  public boolean delete(Digest digest) {
    return blobs.remove(digest) != null;
  }

  @Override
  public Stream<Digest> list() {
    return blobs.keySet().stream();
  }

  @Override
  public Stream<StoredBlob> inventory() {
    return blobs.values().stream();
  }

  @Override
  public boolean deleteIfWrittenBefore(Digest digest, Instant cutoff) {
    boolean[] deleted = new boolean[1];
    blobs.computeIfPresent(
        digest,
        (d, blob) -> {
          if (blob.writtenAt().isBefore(cutoff)) {
            deleted[0] = true;
            return null;
          }
          return blob;
        });
    return deleted[0];
  }

  @Override
  public int purgeUploads(Instant startedBefore) {
    return 0;
  }
}
