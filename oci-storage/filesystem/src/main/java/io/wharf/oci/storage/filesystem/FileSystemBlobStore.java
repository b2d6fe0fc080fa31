package io.wharf.oci.storage.filesystem;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.Digester;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.ByteRange;
import io.wharf.oci.storage.StorageFeature;
import io.wharf.oci.storage.StoredBlob;
import io.wharf.oci.storage.UploadId;
import io.wharf.oci.storage.UploadInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Content-addressed blobs on a local disk, in one data folder. Blobs become visible by an atomic
 * rename once their digest was verified, so a reader never sees a partial or unverified blob, and
 * uploads survive a restart of the process ({@link StorageFeature#RESUMABLE_UPLOADS}). Thread-safe.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * data/
 *   lock                          held (FileLock) while a store has the folder open
 *   blobs/&lt;alg&gt;/&lt;hh&gt;/&lt;hex&gt;        a blob; hh is the first two characters of hex
 *   uploads/&lt;id&gt;/data              the bytes received so far
 *   uploads/&lt;id&gt;/info              "algorithm=sha256" and "started=&lt;instant&gt;", written atomically
 * </pre>
 *
 * Only digests of registered algorithms ({@link Digest#requireAlgorithm()}, lower-case hex) and
 * upload ids that {@link UploadId} accepts ever become path components, so no operation touches a
 * file outside the data folder. The store generates lower-case ids; an id with an upper-case letter
 * names no upload of this store (on case-insensitive file systems it would otherwise alias one).
 *
 * <h2>Uploads</h2>
 *
 * Chunks are appended to {@code data} and digested as they are written, in one pass. The digest
 * state of every upload started or resumed by this store is kept in memory, so successive chunks
 * are not hashed again; after a restart, {@link #resumeUpload} hashes the staged bytes once. When a
 * chunk fails part way, exactly the bytes that reached the file are kept (a write that failed half
 * way is truncated back), so the file is always as long as the bytes digested. {@link
 * BlobUpload#commit} verifies the digest, then moves {@code data} to its blob path with an atomic
 * rename; when the blob exists already the staged file is only removed. A commit that crashed
 * leaves an upload folder without {@code data} (or without {@code info}); such leftovers, and
 * temporary {@code info} files, are removed when a store opens the folder.
 *
 * <h2>Durability</h2>
 *
 * A store made by {@link #open(Path)} is durable: before a commit returns, the blob's bytes are
 * forced to the device (fsync), and so is its directory after the rename, so that a power failure
 * cannot lose or truncate an acknowledged blob. Uploads in progress are not forced: not a new
 * upload's folder and {@code info} file (three fsyncs, a third of a small blob's cost, for a
 * session the client can simply start again), and not its chunks. After a power failure an upload
 * may hold fewer bytes than were acknowledged, which {@link BlobUpload#offset()} then reports
 * (clients resume from there), and a digest mismatch is all a lost chunk can cause; an upload whose
 * folder or {@code info} did not reach the device is gone (the client gets {@code
 * BLOB_UPLOAD_UNKNOWN} and starts again), and one whose {@code info} is left empty or torn is
 * removed when a store opens the folder. A process crash loses nothing of an upload: the operating
 * system keeps its writes. Deletions are not forced: a deleted blob may come back after a power
 * failure, which garbage collection undoes. {@link Builder#durable(boolean) durable(false)} skips
 * every fsync: much faster on small blobs, and still safe against a crash of the process (the
 * operating system keeps the writes), but after a power failure or kernel crash a committed blob
 * may be missing, empty or truncated. Use it for tests, benchmarks and caches that can be refilled,
 * not for a registry of record.
 *
 * <h2>Garbage collection</h2>
 *
 * A blob's write time is its file's modification time, which every commit of its digest sets from
 * the store's clock, also when the blob was stored already (the bytes stay, only the time moves).
 * {@link #inventory()} walks the shard folders lazily and {@link #deleteIfWrittenBefore} removes a
 * blob only when that time is before the cutoff, atomically with respect to commits of the digest
 * in this store, so that a blob uploaded again while a collection runs is kept.
 *
 * <h2>Concurrency</h2>
 *
 * Any number of threads may read, upload, commit and delete at once, including many uploads of the
 * same blob: every commit of it succeeds, and the blob is written once or replaced by identical
 * bytes. Readers keep reading a blob that is deleted after they opened it (POSIX semantics). One
 * store at a time may have a data folder open: {@link #open(Path)} takes an exclusive file lock,
 * which {@link #close()} releases.
 */
public final class FileSystemBlobStore implements BlobStore {

  private static final String BLOBS = "blobs";
  private static final String UPLOADS = "uploads";
  private static final String LOCK = "lock";
  private static final String DATA = "data";
  private static final String INFO = "info";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final int BUFFER_SIZE = 64 * 1024;

  /** Bytes an upload collects from its stream per file write. */
  private static final int WRITE_BUFFER_SIZE = 256 * 1024;

  private static final int MAX_INFO_SIZE = 4096;
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private final Path root;
  private final Path blobs;
  private final Path uploads;
  private final boolean durable;
  private final Clock clock;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ConcurrentMap<UploadId, Session> live = new ConcurrentHashMap<>();

  /** Striped locks of digests: a commit and {@link #deleteIfWrittenBefore} of one exclude. */
  private final ReentrantLock[] digestLocks = new ReentrantLock[64];

  private volatile boolean closed;

  private FileSystemBlobStore(
      Path root, boolean durable, Clock clock, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.blobs = root.resolve(BLOBS);
    this.uploads = root.resolve(UPLOADS);
    this.durable = durable;
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.lock = lock;
    for (int i = 0; i < digestLocks.length; i++) {
      digestLocks[i] = new ReentrantLock();
    }
  }

  /**
   * Opens a durable store (every commit is forced to the device) on {@code dataDirectory}, creating
   * the folder when needed and removing what a crash left behind.
   *
   * @throws IOException when the folder cannot be prepared, or another store has it open
   */
  public static FileSystemBlobStore open(Path dataDirectory) throws IOException {
    return builder(dataDirectory).open();
  }

  /** A builder for a store on {@code dataDirectory}, to choose durability and clock. */
  public static Builder builder(Path dataDirectory) {
    return new Builder(dataDirectory);
  }

  /** Options of a {@link FileSystemBlobStore}; {@link #open()} opens the store. */
  public static final class Builder {
    private final Path dataDirectory;
    private boolean durable = true;
    private Clock clock = Clock.systemUTC();

    private Builder(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    }

    /**
     * Whether commits are forced to the device (fsync); {@code true} by default. See the class
     * documentation for what {@code false} risks.
     */
    public Builder durable(boolean durable) {
      this.durable = durable;
      return this;
    }

    /**
     * The clock that dates new uploads (for {@link #purgeUploads}) and commits (the blob file's
     * modification time, for {@link #deleteIfWrittenBefore}); the system clock by default.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Opens the store, creating the data folder when needed and removing what a crash left behind.
     *
     * @throws IOException when the folder cannot be prepared, or another store has it open
     */
    public FileSystemBlobStore open() throws IOException {
      Path root = dataDirectory.toAbsolutePath().normalize();
      Files.createDirectories(root);
      FileChannel channel =
          FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          throw new IOException(
              "data folder " + root + " is already open by another store in this JVM", e);
        }
        if (lock == null) {
          throw new IOException("data folder " + root + " is open by another process");
        }
        FileSystemBlobStore store = new FileSystemBlobStore(root, durable, clock, channel, lock);
        store.prepare();
        return store;
      } catch (IOException | RuntimeException e) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }

  /** The data folder, absolute. */
  public Path dataDirectory() {
    return root;
  }

  /** Whether commits are forced to the device; see {@link Builder#durable(boolean)}. */
  public boolean isDurable() {
    return durable;
  }

  private void prepare() throws IOException {
    boolean created = createDirectory(blobs);
    created |= createDirectory(uploads);
    if (created) {
      fsyncDirectory(root);
    }
    boolean algorithmCreated = false;
    for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
      algorithmCreated |= createDirectory(blobs.resolve(algorithm.id()));
    }
    if (algorithmCreated) {
      fsyncDirectory(blobs);
    }
    removeLeftovers();
  }

  /**
   * Removes what crashes left in {@code uploads/}: temporary {@code info} files, and upload folders
   * without {@code data} (a commit moved it), without {@code info} (never finished starting) or
   * whose {@code info} cannot be read (a power failure tore it). Entries this store did not make
   * are left alone.
   */
  private void removeLeftovers() throws IOException {
    forEachUpload(
        (id, dir) -> {
          Files.deleteIfExists(dir.resolve(INFO + TEMP_SUFFIX));
          if (!Files.isRegularFile(dir.resolve(DATA), LinkOption.NOFOLLOW_LINKS)
              || !Files.isRegularFile(dir.resolve(INFO), LinkOption.NOFOLLOW_LINKS)
              || !readable(dir.resolve(INFO))) {
            deleteUploadFolder(dir);
          }
        });
  }

  private static boolean readable(Path info) {
    try {
      InfoFile.read(info);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------- blobs

  @Override
  public Optional<BlobInfo> stat(Digest digest) throws IOException {
    checkOpen();
    Path file = blobPath(digest);
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attributes.isRegularFile()
          ? Optional.of(new BlobInfo(digest, attributes.size()))
          : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    checkOpen();
    try {
      return Files.newInputStream(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw unknownBlob(digest);
    }
  }

  /**
   * Writes the range with {@link FileChannel#transferTo}, which the kernel serves without copying
   * through the heap ({@code sendfile} when {@code target} is a socket).
   *
   * @throws InvalidContentException with {@link ErrorCode#RANGE_INVALID} when the range does not
   *     lie within the blob
   */
  @Override
  public long transferTo(Digest digest, ByteRange range, WritableByteChannel target)
      throws IOException {
    checkOpen();
    try (FileChannel channel = FileChannel.open(blobPath(digest), StandardOpenOption.READ)) {
      range.checkWithin(digest, channel.size());
      long position = range.offset();
      long end = range.offset() + range.length();
      if (!(target instanceof FileChannel || target instanceof SelectableChannel)) {
        // FileChannel.transferTo copies 8 KiB at a time through the heap into other channels (a
        // servlet container's, say); a direct buffer is one copy in and one out, in big steps.
        copyDirect(digest, channel, position, end, target);
        return range.length();
      }
      // FileChannel.transferTo uses sendfile(2) when the target is a socket: no copy through the
      // heap. It may move fewer bytes than asked, so loop.
      while (position < end) {
        long n = channel.transferTo(position, end - position, target);
        if (n <= 0 && channel.size() < end) {
          throw new IOException("blob " + digest + " shrank while it was read");
        }
        position += n;
      }
      return range.length();
    } catch (NoSuchFileException e) {
      throw unknownBlob(digest);
    }
  }

  /**
   * Direct buffers that {@link #copyDirect} returns for the next transfer: the JVM frees a direct
   * buffer only when a garbage collection finds it, so one per download would pile up between
   * collections. At most {@link #POOLED_BUFFERS} are kept; more transfers at once allocate more.
   */
  private static final Queue<ByteBuffer> DIRECT_BUFFERS = new ConcurrentLinkedQueue<>();

  private static final int POOLED_BUFFERS = 32;

  private static void copyDirect(
      Digest digest, FileChannel source, long position, long end, WritableByteChannel target)
      throws IOException {
    ByteBuffer buffer = DIRECT_BUFFERS.poll();
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_SIZE);
    }
    while (position < end) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
      int n = source.read(buffer, position);
      if (n < 0) {
        throw new IOException("blob " + digest + " shrank while it was read");
      }
      position += n;
      buffer.flip();
      while (buffer.hasRemaining()) {
        target.write(buffer);
      }
    }
    // Pooled only after a transfer that ended well: a failed write may leave the buffer in the
    // hands of the channel's owner.
    if (DIRECT_BUFFERS.size() < POOLED_BUFFERS) {
      DIRECT_BUFFERS.offer(buffer);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads through a file channel from {@code range.offset()}, never before it and never past the
   * range's end.
   *
   * @throws InvalidContentException with {@link ErrorCode#RANGE_INVALID} when the range does not
   *     lie within the blob
   */
  @Override
  public InputStream open(Digest digest, ByteRange range) throws IOException {
    checkOpen();
    FileChannel channel;
    try {
      channel = FileChannel.open(blobPath(digest), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw unknownBlob(digest);
    }
    try {
      range.checkWithin(digest, channel.size());
      return new RangeInputStream(channel, range.offset(), range.length());
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel, e);
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Streams already open on the blob keep reading it to the end.
   */
  @Override
  public boolean delete(Digest digest) throws IOException {
    checkOpen();
    return Files.deleteIfExists(blobPath(digest));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Lazy: the folders under {@code blobs/} are read as the stream is consumed, one shard at a
   * time, without reading file attributes. Files that are not named like a blob are skipped. Blobs
   * committed or deleted while the stream runs may or may not appear.
   */
  @Override
  public Stream<Digest> list() throws IOException {
    checkOpen();
    return Arrays.stream(DigestAlgorithm.values())
        .flatMap(
            algorithm ->
                children(blobs.resolve(algorithm.id()))
                    .filter(FileSystemBlobStore::isShardName)
                    .flatMap(
                        shard ->
                            children(blobs.resolve(algorithm.id()).resolve(shard))
                                .filter(
                                    name ->
                                        name.startsWith(shard) && algorithm.isValidEncoded(name))
                                .map(name -> new Digest(algorithm.id(), name))));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Lazy as {@link #list()} is, one shard folder at a time, so memory does not grow with the
   * number of blobs; each blob's attributes are read as the stream reaches it: its size, and its
   * file's modification time as its write time (every commit sets it from this store's clock).
   * Blobs deleted while the stream runs are left out; a failure to read a folder or attributes
   * surfaces as an {@link UncheckedIOException}.
   */
  @Override
  public Stream<StoredBlob> inventory() throws IOException {
    return list().flatMap(digest -> storedBlob(digest).stream());
  }

  private Optional<StoredBlob> storedBlob(Digest digest) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(
              blobPath(digest), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(
          new StoredBlob(digest, attributes.size(), attributes.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted meanwhile
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The write time is the blob file's modification time, which every commit of the digest sets
   * (also when the blob was stored already). Only a regular file at the blob's own path under
   * {@code blobs/} is ever deleted; the check of its time and its removal hold the digest's lock,
   * which commits of the digest take too, so a commit cannot slip in between.
   */
  @Override
  public boolean deleteIfWrittenBefore(Digest digest, Instant cutoff) throws IOException {
    checkOpen();
    Objects.requireNonNull(cutoff, "cutoff");
    Path file = blobPath(digest);
    ReentrantLock digestLock = digestLock(digest);
    digestLock.lock();
    try {
      BasicFileAttributes attributes;
      try {
        attributes =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return false;
      }
      if (!attributes.isRegularFile()
          || !attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
        return false;
      }
      return Files.deleteIfExists(file);
    } finally {
      digestLock.unlock();
    }
  }

  /** The lock that commits and {@link #deleteIfWrittenBefore} of {@code digest} share. */
  private ReentrantLock digestLock(Digest digest) {
    return digestLocks[Math.floorMod(digest.hashCode(), digestLocks.length)];
  }

  private static Stream<String> children(Path dir) {
    try {
      return Files.list(dir).map(p -> p.getFileName().toString());
    } catch (NoSuchFileException e) {
      return Stream.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isShardName(String name) {
    return name.length() == 2 && isLowerHex(name.charAt(0)) && isLowerHex(name.charAt(1));
  }

  private static boolean isLowerHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
  }

  /**
   * {@code blobs/<alg>/<hh>/<hex>}. Only registered algorithms reach the file system, and their
   * encoded part is lower-case hex of a fixed length ({@link Digest} validates it), so the path
   * stays inside {@code blobs/}.
   *
   * @throws InvalidContentException with {@link ErrorCode#DIGEST_INVALID} for an algorithm Wharf
   *     cannot verify
   */
  private Path blobPath(Digest digest) {
    DigestAlgorithm algorithm = digest.requireAlgorithm();
    String hex = digest.encoded();
    if (!algorithm.isValidEncoded(hex)) {
      throw new InvalidContentException(ErrorCode.DIGEST_INVALID, "malformed digest " + digest);
    }
    return contained(blobs.resolve(algorithm.id()).resolve(hex.substring(0, 2)).resolve(hex));
  }

  private Path contained(Path path) {
    if (!path.normalize().startsWith(root)) {
      throw new IllegalStateException(path + " is outside the data folder " + root);
    }
    return path;
  }

  private static NotFoundException unknownBlob(Digest digest) {
    return new NotFoundException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not stored");
  }

  // -------------------------------------------------------------------------------- uploads

  @Override
  public BlobUpload newUpload(DigestAlgorithm algorithm, String label) throws IOException {
    Objects.requireNonNull(algorithm, "algorithm");
    UploadInfo.checkLabel(label);
    while (true) {
      checkOpen();
      UploadId id = UploadId.random();
      Session session = new Session(id, uploadFolder(id), algorithm, clock.instant(), label);
      if (live.putIfAbsent(id, session) != null) {
        continue;
      }
      session.lock.lock();
      try {
        try {
          if (session.create()) {
            return session;
          }
          // 128 random bits collided with an upload this store does not hold: never touch it.
          session.end();
        } catch (IOException | RuntimeException e) {
          session.end();
          try {
            deleteUploadFolder(session.dir);
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
      } finally {
        session.lock.unlock();
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>An upload this store started or resumed before continues with its digest state in memory,
   * and is returned at once, also while a write to it is in progress. One left by an earlier store
   * on the same folder holds what its {@code data} file holds (after a crash: what reached the
   * file); those bytes are hashed once, at its first write or commit.
   */
  @Override
  public Optional<BlobUpload> resumeUpload(UploadId id) throws IOException {
    checkOpen();
    if (uploadId(id.value()).isEmpty()) {
      return Optional.empty();
    }
    Session session = live.get(id);
    if (session == null) {
      Path dir = uploadFolder(id);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      session = live.computeIfAbsent(id, k -> new Session(k, dir));
    }
    if (session.loaded && !session.ended.get()) {
      return Optional.of(session); // without the lock, which a write may hold for long
    }
    session.lock.lock();
    try {
      if (session.ended.get()) {
        return Optional.empty();
      }
      if (!session.loaded) {
        boolean found;
        try {
          found = session.load();
        } catch (IOException | RuntimeException e) {
          session.end();
          throw e;
        }
        if (!found) {
          session.end();
          return Optional.empty();
        }
      }
      return Optional.of(session);
    } finally {
      session.lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The start time is read from each upload's {@code info} file; an upload whose {@code info}
   * cannot be read counts as started at the epoch.
   */
  @Override
  public int purgeUploads(Instant startedBefore) throws IOException {
    checkOpen();
    int[] removed = {0};
    forEachUpload(
        (id, dir) -> {
          Session known = live.get(id);
          Optional<Instant> started =
              known != null && known.loaded
                  ? Optional.of(known.startedAt())
                  : readStartedAt(dir.resolve(INFO));
          if (started.isEmpty() || !started.get().isBefore(startedBefore)) {
            return;
          }
          Session session = live.computeIfAbsent(id, k -> new Session(k, dir));
          if (session.purge()) {
            removed[0]++;
          }
        });
    return removed[0];
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads each upload's {@code info} file (unless this store holds the upload already) and the
   * attributes of its {@code data} file: {@link UploadInfo#updatedAt()} is when {@code data} was
   * last written, dated with this store's clock. Uploads being created or removed meanwhile, and
   * unreadable ones (removed when a store next opens the folder), are left out.
   */
  @Override
  public List<UploadInfo> uploads() throws IOException {
    checkOpen();
    List<UploadInfo> open = new ArrayList<>();
    forEachUpload(
        (id, dir) -> {
          Session known = live.get(id);
          try {
            BasicFileAttributes data =
                Files.readAttributes(
                    dir.resolve(DATA), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Instant updatedAt = data.lastModifiedTime().toInstant();
            if (known != null && known.loaded && !known.ended.get()) {
              open.add(
                  new UploadInfo(id, known.label(), known.startedAt(), updatedAt, known.offset()));
            } else {
              InfoFile info = InfoFile.read(dir.resolve(INFO));
              open.add(new UploadInfo(id, info.label(), info.startedAt(), updatedAt, data.size()));
            }
          } catch (IOException e) {
            // Being created or removed, or torn by a power failure: not an open upload.
          }
        });
    return open;
  }

  private static Optional<Instant> readStartedAt(Path info) {
    try {
      return Optional.of(InfoFile.read(info).startedAt());
    } catch (NoSuchFileException e) {
      return Optional.empty(); // still being created, or already gone
    } catch (IOException e) {
      return Optional.of(Instant.EPOCH);
    }
  }

  /** What {@link #forEachUpload} does with each upload folder. */
  @FunctionalInterface
  private interface UploadFolderAction {
    void accept(UploadId id, Path dir) throws IOException;
  }

  /** Runs {@code action} on each folder in {@code uploads/} named like an upload of this store. */
  private void forEachUpload(UploadFolderAction action) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(uploads)) {
      for (Path dir : entries) {
        Optional<UploadId> id = uploadId(dir.getFileName().toString());
        if (id.isPresent() && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          action.accept(id.get(), dir);
        }
      }
    }
  }

  private Path uploadFolder(UploadId id) {
    return contained(uploads.resolve(id.value()));
  }

  /** The id named {@code name}, if it is one this store could have generated. */
  private static Optional<UploadId> uploadId(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(new UploadId(name));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** Deletes {@code info} first, so that the folder stops being an upload, then everything. */
  private static void deleteUploadFolder(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(INFO));
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(files::add);
    } catch (NoSuchFileException e) {
      return;
    }
    for (Path file : files) {
      Files.deleteIfExists(file);
    }
    Files.deleteIfExists(dir);
  }

  // ------------------------------------------------------------------------------ the store

  /**
   * {@inheritDoc}
   *
   * @return {@link StorageFeature#RANGE_READS}, {@link StorageFeature#RESUMABLE_UPLOADS}, {@link
   *     StorageFeature#ENUMERATION} and {@link StorageFeature#SHA512}
   */
  @Override
  public Set<StorageFeature> features() {
    return EnumSet.of(
        StorageFeature.RANGE_READS,
        StorageFeature.RESUMABLE_UPLOADS,
        StorageFeature.ENUMERATION,
        StorageFeature.SHA512);
  }

  /**
   * Releases the data folder's lock and forgets the digest state of uploads, which stay on disk for
   * a later store to resume. Streams already open keep reading; every other use of this store and
   * of its upload handles fails with {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    live.clear();
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }

  @Override
  public String toString() {
    return "FileSystemBlobStore[" + root + (durable ? "" : ", not durable") + "]";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the blob store on " + root + " is closed");
    }
  }

  private static boolean createDirectory(Path dir) throws IOException {
    try {
      Files.createDirectory(dir);
      return true;
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
      return false;
    }
  }

  private void fsyncFile(Path file) throws IOException {
    if (durable) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
    }
  }

  /** Forces a directory's entries to the device; Windows cannot open directories, nor needs to. */
  private void fsyncDirectory(Path dir) throws IOException {
    if (durable && !WINDOWS) {
      try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
        channel.force(true);
      }
    }
  }

  private static void closeQuietly(AutoCloseable closeable, Throwable failure) {
    try {
      closeable.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * The {@code info} file of an upload: its algorithm, start time and label ({@code label} is
   * absent from files written before labels existed, and then empty).
   */
  private record InfoFile(DigestAlgorithm algorithm, Instant startedAt, String label) {

    byte[] encode() {
      return ("algorithm=" + algorithm.id() + "\nstarted=" + startedAt + "\nlabel=" + label + "\n")
          .getBytes(UTF_8);
    }

    static InfoFile read(Path file) throws IOException {
      if (Files.size(file) > MAX_INFO_SIZE) {
        throw corrupt(file, "it is too large");
      }
      byte[] bytes = Files.readAllBytes(file);
      Map<String, String> fields = new HashMap<>();
      for (String line : new String(bytes, UTF_8).split("\n")) {
        int eq = line.indexOf('=');
        if (!line.isEmpty()
            && (eq < 0 || fields.put(line.substring(0, eq), line.substring(eq + 1)) != null)) {
          throw corrupt(file, "of line '" + line + "'");
        }
      }
      String algorithm = fields.get("algorithm");
      String started = fields.get("started");
      if (algorithm == null || started == null) {
        throw corrupt(file, "a field is missing");
      }
      try {
        return new InfoFile(
            DigestAlgorithm.lookup(algorithm)
                .orElseThrow(() -> corrupt(file, "of algorithm '" + algorithm + "'")),
            Instant.parse(started),
            UploadInfo.checkLabel(fields.getOrDefault("label", "")));
      } catch (DateTimeParseException e) {
        throw corrupt(file, "of start time '" + started + "'");
      } catch (IllegalArgumentException e) {
        throw corrupt(file, "of its label");
      }
    }

    private static IOException corrupt(Path file, String why) {
      return new IOException("upload file " + file + " is corrupt because " + why);
    }
  }

  /**
   * One upload: the handle callers hold and the state this store keeps for it. Every change happens
   * under its monitor, so concurrent commits, cancels and purges of one upload are serialised;
   * {@link #offset()} reads without locking.
   */
  private final class Session implements BlobUpload {
    /**
     * Held while the upload changes or is read. A lock rather than a monitor: {@link
     * #write(InputStream)} holds it while it reads from the network, and a virtual thread blocked
     * inside {@code synchronized} pins its carrier on Java 21 to 23.
     */
    private final ReentrantLock lock = new ReentrantLock();

    private final UploadId id;
    private final Path dir;
    private volatile @Nullable DigestAlgorithm algorithm;
    private volatile @Nullable Instant startedAt;
    private volatile String label = "";

    /** The digest of the first {@link #size} bytes; null until first needed after a restart. */
    private @Nullable Digester digester; // guarded by lock

    private volatile long size;
    private volatile boolean loaded;

    /** Set once, by whoever ends the upload (commit, cancel, purge), without the lock. */
    private final AtomicBoolean ended = new AtomicBoolean();

    /** A new upload, not yet on disk: {@link #create()} puts it there. */
    Session(UploadId id, Path dir, DigestAlgorithm algorithm, Instant startedAt, String label) {
      this.id = id;
      this.dir = dir;
      this.algorithm = algorithm;
      this.startedAt = startedAt;
      this.label = label;
      this.digester = Digester.of(algorithm);
      this.loaded = true;
    }

    /** An upload on disk whose state {@link #load()} reads. */
    Session(UploadId id, Path dir) {
      this.id = id;
      this.dir = dir;
    }

    /**
     * Creates the folder, the empty {@code data} file and, atomically, {@code info}; none of them
     * forced to the device (see the class's Durability).
     *
     * @return false when the folder exists already (and was left alone)
     */
    boolean create() throws IOException {
      try {
        Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        return false;
      }
      Files.createFile(dir.resolve(DATA));
      Path temp = dir.resolve(INFO + TEMP_SUFFIX);
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(new InfoFile(algorithm(), startedAt(), label).encode());
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
      Files.move(temp, dir.resolve(INFO), StandardCopyOption.ATOMIC_MOVE);
      touch(dir.resolve(DATA));
      return true;
    }

    /** Dates {@code data} with this store's clock: {@link UploadInfo#updatedAt()}. */
    private void touch(Path data) {
      try {
        Files.setLastModifiedTime(data, FileTime.from(clock.instant()));
      } catch (IOException e) {
        // Only the idle time of the upload is off: it is then the system's, not the clock's.
      }
    }

    /**
     * Reads {@code info} and the length of {@code data}: the bytes a crash or a restart left are
     * the bytes the upload holds. They are hashed once, at the first write or commit ({@link
     * #digester()}), not here: a status request or a cancel after a restart reads no bytes.
     *
     * @return false when the upload is gone
     */
    boolean load() throws IOException {
      InfoFile info;
      long length;
      try {
        info = InfoFile.read(dir.resolve(INFO));
        length = Files.size(dir.resolve(DATA));
      } catch (NoSuchFileException e) {
        return false;
      }
      algorithm = info.algorithm();
      startedAt = info.startedAt();
      label = info.label();
      size = length;
      loaded = true;
      return true;
    }

    /**
     * Marks this upload ended and forgets it; the caller removes the files.
     *
     * @return whether this call ended it (false: it had ended already)
     */
    boolean end() {
      boolean ending = ended.compareAndSet(false, true);
      live.remove(id, this);
      return ending;
    }

    /**
     * Removes the upload unless it ended already; as {@link #cancel()}, without waiting for a write
     * in progress.
     *
     * @return whether it was there
     */
    boolean purge() throws IOException {
      if (!end()) {
        return false;
      }
      boolean existed = Files.deleteIfExists(dir.resolve(INFO));
      deleteRest();
      return existed;
    }

    /** Best effort: what stays is a folder without {@code info}, removed when a store opens. */
    private void deleteRest() {
      try {
        deleteUploadFolder(dir);
      } catch (IOException e) {
        // The upload has already ended; the leftover is harmless and cleaned up later.
      }
    }

    @Override
    public UploadId id() {
      return id;
    }

    @Override
    public DigestAlgorithm algorithm() {
      return Objects.requireNonNull(algorithm, "not loaded");
    }

    @Override
    public Instant startedAt() {
      return Objects.requireNonNull(startedAt, "not loaded");
    }

    @Override
    public String label() {
      return label;
    }

    @Override
    public long offset() {
      return size;
    }

    /**
     * {@inheritDoc}
     *
     * @throws UncheckedIOException when the bytes a restart left cannot be read to digest them
     */
    @Override
    public Digest currentDigest() {
      lock.lock();
      try {
        return digester().copy().digest();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        lock.unlock();
      }
    }

    /** The digest state, under the lock; after a restart the staged bytes are hashed here, once. */
    private Digester digester() throws IOException {
      Digester d = digester;
      if (d == null) {
        try {
          d = digestOf(dir.resolve(DATA), algorithm(), size);
        } catch (NoSuchFileException e) {
          end();
          throw unknownUpload();
        }
        if (d.size() != size) {
          throw new IOException(
              "upload " + id + " holds " + d.size() + " bytes on disk but received " + size);
        }
        digester = d;
      }
      return d;
    }

    /**
     * {@inheritDoc}
     *
     * @throws NotFoundException with {@link ErrorCode#BLOB_UPLOAD_UNKNOWN} when the upload was
     *     committed, cancelled or purged
     */
    @Override
    public long write(InputStream chunk) throws IOException {
      lock.lock();
      try {
        checkLive();
        Digester digesting = digester();
        Path data = dir.resolve(DATA);
        FileChannel channel;
        try {
          channel = FileChannel.open(data, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
          end();
          throw unknownUpload();
        }
        try (channel) {
          long start = digesting.size();
          long onDisk = channel.size();
          if (onDisk < start) {
            throw new IOException(
                "upload " + id + " holds " + onDisk + " bytes on disk but received " + start);
          }
          if (onDisk > start) {
            channel.truncate(start); // a write that failed half way, not truncated then
          }
          channel.position(start);
          byte[] bytes = new byte[WRITE_BUFFER_SIZE];
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          long total = 0;
          // The buffer is filled before each write: a network stream hands over a few KiB per
          // read, and a file write (and a hash update) per few KiB cost more than the copying.
          // When the stream fails, what it delivered before is still kept.
          try {
            boolean end = false;
            while (!end) {
              int n = 0;
              Exception failure = null;
              try {
                while (n < bytes.length) {
                  int r = chunk.read(bytes, n, bytes.length - n);
                  if (r < 0) {
                    end = true;
                    break;
                  }
                  n += r;
                }
              } catch (IOException | RuntimeException e) {
                failure = e;
              }
              if (ended.get()) {
                // Cancelled while the stream was read: its files are gone, keep nothing.
                NotFoundException gone = unknownUpload();
                if (failure != null) {
                  gone.addSuppressed(failure);
                }
                throw gone;
              }
              buffer.clear().limit(n);
              try {
                while (buffer.hasRemaining()) {
                  channel.write(buffer);
                }
              } catch (IOException | RuntimeException e) {
                if (failure != null) {
                  e.addSuppressed(failure);
                }
                truncate(data, digesting.size(), e);
                throw e;
              }
              digesting.update(bytes, 0, n);
              size = digesting.size();
              total += n;
              if (failure instanceof IOException io) {
                throw io;
              } else if (failure != null) {
                throw (RuntimeException) failure;
              }
            }
            return total;
          } finally {
            if (total > 0) {
              touch(data); // after the last write, which dated the file with the system's time
            }
          }
        }
      } finally {
        lock.unlock();
      }
    }

    /**
     * Cuts {@code data} back to the digested length, on the default file system with a file that an
     * interrupt does not close; when even that fails, the next write cuts it.
     */
    private void truncate(Path data, long length, Throwable failure) {
      if (ended.get()) {
        return; // cancelled: the file is gone, and must not come back
      }
      try {
        if (data.getFileSystem() == FileSystems.getDefault()) {
          try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
            file.setLength(length);
          }
        } else {
          try (FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE)) {
            channel.truncate(length);
          }
        }
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }

    /**
     * {@inheritDoc}
     *
     * <p>When durable, the staged file is forced to the device before the rename and the blob's
     * directory after it.
     */
    @Override
    public BlobInfo commit(Digest expected) throws IOException {
      lock.lock();
      try {
        checkLive();
        DigestAlgorithm named = expected.requireAlgorithm();
        Path data = dir.resolve(DATA);
        Digest actual = named == algorithm() ? currentDigest() : rehash(data, named);
        if (!actual.equals(expected)) {
          throw BlobUpload.digestMismatch(expected, actual);
        }
        long length = size;
        Path target = blobPath(expected);
        ReentrantLock digestLock = digestLock(expected);
        digestLock.lock();
        try {
          if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            try {
              publish(data, target);
            } catch (IOException e) {
              if (ended.get()) {
                throw unknownUpload(); // cancelled meanwhile, without the lock
              }
              throw e;
            }
          } else {
            // Another commit may have renamed it without forcing its directory yet.
            fsyncDirectory(target.getParent());
          }
          // Dated now, also when it was stored already: a collection that found it old and is
          // about to delete it (deleteIfWrittenBefore) leaves it.
          Files.setLastModifiedTime(target, FileTime.from(clock.instant()));
        } finally {
          digestLock.unlock();
        }
        // The blob is published: from here on, failing to tidy up must not fail the commit.
        try {
          Files.deleteIfExists(dir.resolve(INFO)); // first, so that nobody resumes the upload
        } catch (IOException e) {
          // A folder with info but without data is removed when a store opens.
        }
        end();
        deleteRest();
        return new BlobInfo(expected, length);
      } finally {
        lock.unlock();
      }
    }

    /**
     * The digest of the staged bytes in {@code algorithm}, read again from {@code data}: the client
     * named another algorithm at the end than the session was started with.
     */
    private Digest rehash(Path data, DigestAlgorithm algorithm) throws IOException {
      Digester hashed;
      try {
        hashed = digestOf(data, algorithm, size);
      } catch (NoSuchFileException e) {
        end();
        throw unknownUpload();
      }
      if (hashed.size() != size) {
        throw new IOException(
            "upload " + id + " holds " + hashed.size() + " bytes on disk but received " + size);
      }
      return hashed.digest();
    }

    /** The digest, in {@code algorithm}, of the first {@code limit} bytes of {@code file}. */
    private static Digester digestOf(Path file, DigestAlgorithm algorithm, long limit)
        throws IOException {
      Digester hashed = Digester.of(algorithm);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        while (hashed.size() < limit && channel.read(buffer) >= 0) {
          buffer.flip();
          if (hashed.size() + buffer.remaining() > limit) {
            buffer.limit((int) (limit - hashed.size()));
          }
          hashed.update(buffer);
          buffer.clear();
        }
      }
      return hashed;
    }

    private void publish(Path data, Path target) throws IOException {
      try {
        fsyncFile(data);
      } catch (NoSuchFileException e) {
        end();
        throw unknownUpload();
      }
      Path shard = target.getParent();
      if (createDirectory(shard)) {
        fsyncDirectory(shard.getParent());
      }
      try {
        // On POSIX, rename replaces a blob another commit published meanwhile: same bytes.
        Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
          throw e;
        }
        // Published meanwhile, and this platform does not replace: the staged file is removed.
      }
      fsyncDirectory(shard);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Without the lock: the files are removed at once, and a write in progress (which holds the
     * lock while it waits for its stream) fails at its next read; the bytes it wrote to the removed
     * file are freed when it closes the file.
     */
    @Override
    public void cancel() throws IOException {
      if (!end()) {
        return;
      }
      deleteUploadFolder(dir);
    }

    /** Releases nothing: the upload stays resumable until committed, cancelled or purged. */
    @Override
    public void close() {}

    private void checkLive() {
      checkOpen();
      if (ended.get()) {
        throw unknownUpload();
      }
    }

    private NotFoundException unknownUpload() {
      return new NotFoundException(
          ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " was committed, cancelled or purged");
    }

    @Override
    public String toString() {
      return "upload " + id + " (" + size + " bytes)";
    }
  }
}
