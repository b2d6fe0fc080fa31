package io.wharf.oci.storage.memory;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.Digester;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.ByteRange;
import io.wharf.oci.storage.StorageFeature;
import io.wharf.oci.storage.StoredBlob;
import io.wharf.oci.storage.UploadId;
import io.wharf.oci.storage.UploadInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Blobs in memory: the reference implementation for tests and for the in-memory registry. Holds
 * every byte on the heap, so it is for small content only. Thread-safe.
 */
public final class InMemoryBlobStore implements BlobStore {

  /** A committed blob: its bytes and when they were last committed. */
  private record Stored(Bytes bytes, Instant writtenAt) {}

  private final ConcurrentMap<Digest, Stored> blobs = new ConcurrentHashMap<>();
  private final ConcurrentMap<UploadId, Session> uploads = new ConcurrentHashMap<>();
  private final Clock clock;

  /** A store on the system clock. */
  public InMemoryBlobStore() {
    this(Clock.systemUTC());
  }

  /** A store that dates uploads and commits with {@code clock}. */
  public InMemoryBlobStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Optional<BlobInfo> stat(Digest digest) {
    Stored stored = blobs.get(digest);
    return stored == null
        ? Optional.empty()
        : Optional.of(new BlobInfo(digest, stored.bytes().size()));
  }

  @Override
  public InputStream open(Digest digest) {
    return bytes(digest).openStream();
  }

  @Override
  public InputStream open(Digest digest, ByteRange range) {
    Bytes bytes = bytes(digest);
    if (range.offset() + range.length() > bytes.size()) {
      throw new IllegalArgumentException("range " + range + " exceeds " + bytes.size() + " bytes");
    }
    InputStream in = bytes.openStream();
    try {
      in.skipNBytes(range.offset());
    } catch (IOException e) {
      throw new IllegalStateException("in-memory streams cannot fail", e);
    }
    return new LimitedInputStream(in, range.length());
  }

  private Bytes bytes(Digest digest) {
    Stored stored = blobs.get(digest);
    if (stored == null) {
      throw new NotFoundException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not stored");
    }
    return stored.bytes();
  }

  @Override
  public BlobUpload newUpload(DigestAlgorithm algorithm, String label) {
    Session session =
        new Session(UploadId.random(), algorithm, UploadInfo.checkLabel(label), clock.instant());
    uploads.put(session.id, session);
    return session;
  }

  @Override
  public List<UploadInfo> uploads() {
    return uploads.values().stream()
        .map(s -> new UploadInfo(s.id, s.label, s.startedAt, s.updatedAt, s.size))
        .toList();
  }

  @Override
  public Optional<BlobUpload> resumeUpload(UploadId id) {
    return Optional.ofNullable(uploads.get(id));
  }

  @Override
  public boolean delete(Digest digest) {
    return blobs.remove(digest) != null;
  }

  @Override
  public Stream<Digest> list() {
    return List.copyOf(blobs.keySet()).stream();
  }

  /** {@inheritDoc} A snapshot, taken when called. */
  @Override
  public Stream<StoredBlob> inventory() {
    List<StoredBlob> all = new ArrayList<>(blobs.size());
    blobs.forEach((d, s) -> all.add(new StoredBlob(d, s.bytes().size(), s.writtenAt())));
    return all.stream();
  }

  /** {@inheritDoc} Atomic with respect to commits of the same digest. */
  @Override
  public boolean deleteIfWrittenBefore(Digest digest, Instant cutoff) {
    boolean[] removed = {false};
    blobs.computeIfPresent(
        digest,
        (d, s) -> {
          if (s.writtenAt().isBefore(cutoff)) {
            removed[0] = true;
            return null;
          }
          return s;
        });
    return removed[0];
  }

  @Override
  public int purgeUploads(Instant startedBefore) {
    int removed = 0;
    for (Session s : List.copyOf(uploads.values())) {
      if (s.startedAt.isBefore(startedBefore) && uploads.remove(s.id, s)) {
        removed++;
      }
    }
    return removed;
  }

  @Override
  public Set<StorageFeature> features() {
    return EnumSet.of(
        StorageFeature.RANGE_READS, StorageFeature.ENUMERATION, StorageFeature.SHA512);
  }

  private final class Session implements BlobUpload {
    /** A lock, not a monitor: a virtual thread reading the network inside one pins (Java 21-23). */
    private final ReentrantLock lock = new ReentrantLock();

    private final UploadId id;
    private final DigestAlgorithm algorithm;
    private final String label;
    private final Instant startedAt;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Digester digester;

    /** The bytes received, readable while a write holds the lock. */
    private volatile long size;

    private volatile Instant updatedAt;

    Session(UploadId id, DigestAlgorithm algorithm, String label, Instant startedAt) {
      this.id = id;
      this.algorithm = algorithm;
      this.label = label;
      this.startedAt = startedAt;
      this.updatedAt = startedAt;
      this.digester = Digester.of(algorithm);
    }

    @Override
    public UploadId id() {
      return id;
    }

    @Override
    public DigestAlgorithm algorithm() {
      return algorithm;
    }

    @Override
    public Instant startedAt() {
      return startedAt;
    }

    @Override
    public String label() {
      return label;
    }

    @Override
    public long offset() {
      return size;
    }

    @Override
    public Digest currentDigest() {
      lock.lock();
      try {
        return digester.copy().digest();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public long write(InputStream chunk) throws IOException {
      lock.lock();
      try {
        checkLive();
        byte[] b = new byte[64 * 1024];
        long total = 0;
        try {
          for (int n; (n = chunk.read(b)) != -1; ) {
            checkLive(); // cancelled while the stream was read
            buffer.write(b, 0, n);
            digester.update(b, 0, n);
            size = buffer.size();
            total += n;
          }
        } finally {
          updatedAt = clock.instant();
        }
        checkLive();
        return total;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public BlobInfo commit(Digest expected) {
      lock.lock();
      try {
        checkLive();
        DigestAlgorithm named = expected.requireAlgorithm();
        Bytes bytes = Bytes.of(buffer.toByteArray());
        Digest actual = named == algorithm() ? currentDigest() : Digest.of(named, bytes);
        if (!actual.equals(expected)) {
          throw BlobUpload.digestMismatch(expected, actual);
        }
        Instant now = clock.instant();
        blobs.merge(expected, new Stored(bytes, now), (old, added) -> new Stored(old.bytes(), now));
        uploads.remove(id, this);
        return new BlobInfo(expected, bytes.size());
      } finally {
        lock.unlock();
      }
    }

    /**
     * Without the lock: a write in progress notices at its next read and fails; the bytes go with
     * the last handle.
     */
    @Override
    public void cancel() {
      uploads.remove(id, this);
    }

    private void checkLive() {
      if (uploads.get(id) != this) {
        throw new NotFoundException(
            ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " was committed, cancelled or purged");
      }
    }

    @Override
    public void close() {}
  }
}
