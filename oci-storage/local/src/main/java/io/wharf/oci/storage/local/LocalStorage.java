package io.wharf.oci.storage.local;

import io.wharf.oci.storage.CachingMetadataStore;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.filesystem.FileSystemBlobStore;
import io.wharf.oci.storage.jdbc.JdbcMetadataStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The single-node default storage: blobs in a {@link FileSystemBlobStore} and metadata in a SQLite
 * {@link JdbcMetadataStore}, both in one data folder.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * data/
 *   blob-store/        the blob store's folder (its lock file, blobs/ and uploads/)
 *   metadata.db        the SQLite database, with its -wal and -shm files beside it
 * </pre>
 *
 * <h2>Opening and closing</h2>
 *
 * {@link #open(Path)} opens the blob store first, which takes an exclusive lock on its folder, and
 * the database only then: one store at a time, in any process, has a data folder open, and a second
 * attempt fails with an {@link IOException} before it touches the database. Opening also removes
 * what a crash left behind (see {@link FileSystemBlobStore}) and brings the database schema up to
 * date. The result is wrapped with {@link RegistryStorage#checked()}; closing it closes both stores
 * and releases the lock. Because the lock makes this store the database's only writer, the metadata
 * store answers the pull path's reads from memory ({@link CachingMetadataStore}).
 *
 * <h2>Crash safety</h2>
 *
 * A blob becomes visible by an atomic rename once its digest was verified, and every metadata
 * method is one SQLite transaction (WAL journal, {@code synchronous=FULL}), so after a crash of the
 * process or of the machine every acknowledged blob and metadata change is there, no partial blob
 * is visible, and each metadata change is there entirely or not at all. What an interrupted upload
 * wrote stays as a resumable upload until it is committed, cancelled or purged.
 *
 * <p>{@link Builder#durable(boolean) durable(false)} skips the blob store's fsyncs, for tests and
 * benchmarks: still safe when the process crashes, but a power failure may lose or truncate blobs
 * whose metadata survived. The database keeps {@code synchronous=FULL} either way: its commits are
 * few and small next to blob writes.
 */
public final class LocalStorage {

  /** The name of the blob store's folder inside the data folder. */
  public static final String BLOB_FOLDER = "blob-store";

  /** The name of the SQLite database file inside the data folder. */
  public static final String METADATA_FILE = "metadata.db";

  private LocalStorage() {}

  /**
   * Opens durable local storage on {@code dataDirectory}, creating the folder when needed.
   *
   * @return both stores, already {@linkplain RegistryStorage#checked() checked}
   * @throws IOException when the folder or the database cannot be opened, or another store has the
   *     folder open
   */
  public static RegistryStorage open(Path dataDirectory) throws IOException {
    return builder(dataDirectory).open();
  }

  /** A builder for local storage on {@code dataDirectory}, to choose durability. */
  public static Builder builder(Path dataDirectory) {
    return new Builder(dataDirectory);
  }

  /** The blob store's folder inside {@code dataDirectory}. */
  public static Path blobDirectory(Path dataDirectory) {
    return dataDirectory.resolve(BLOB_FOLDER);
  }

  /** The SQLite database file inside {@code dataDirectory}. */
  public static Path metadataFile(Path dataDirectory) {
    return dataDirectory.resolve(METADATA_FILE);
  }

  /** Options of local storage; {@link #open()} opens it. */
  public static final class Builder {
    private final Path dataDirectory;
    private boolean durable = true;
    private Clock clock = Clock.systemUTC();

    private Builder(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    }

    /**
     * Whether blob commits are forced to the device (fsync); {@code true} by default. {@code false}
     * is for tests and benchmarks: see {@link LocalStorage}.
     */
    public Builder durable(boolean durable) {
      this.durable = durable;
      return this;
    }

    /**
     * The clock that dates uploads, blob commits and blob links (what garbage collection compares
     * with its cutoffs); the system clock by default.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Opens the storage, creating the data folder when needed.
     *
     * @return both stores, already {@linkplain RegistryStorage#checked() checked}
     * @throws IOException when the folder or the database cannot be opened, or another store has
     *     the folder open
     */
    public RegistryStorage open() throws IOException {
      Path root = dataDirectory.toAbsolutePath().normalize();
      Files.createDirectories(root);
      // The blob store's lock guards the whole folder, so it is taken before the database opens.
      FileSystemBlobStore blobs =
          FileSystemBlobStore.builder(blobDirectory(root)).durable(durable).clock(clock).open();
      JdbcMetadataStore metadata;
      try {
        metadata = JdbcMetadataStore.sqlite(metadataFile(root), clock);
      } catch (IOException | RuntimeException e) {
        try {
          blobs.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      // This process holds the folder locked: every write passes through here, so the hot reads
      // may be answered from memory.
      return new RegistryStorage(blobs, CachingMetadataStore.wrap(metadata)).checked();
    }
  }
}
