package io.wharf.oci.storage.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

/**
 * SQLite connections for a single node: one writer connection, which a fair lock hands to one
 * transaction at a time (SQLite allows one writer), and up to {@code maxReaders} reader
 * connections, which run concurrently with it and with each other in WAL mode.
 *
 * <p>Every connection has foreign keys on and a busy timeout. The database is in WAL journal mode
 * with {@code synchronous=FULL}: a push is acknowledged only after its metadata commit, and with
 * {@code NORMAL} a power failure could roll back the last commits after the blob store kept their
 * bytes. Metadata commits are few and small next to blob writes, so the extra WAL fsync per commit
 * is cheap. Write transactions begin {@code IMMEDIATE}, taking the write lock up front, so that
 * they never fail on upgrading a read snapshot; together with the JVM lock this leaves {@code
 * SQLITE_BUSY} only to other processes, which the busy timeout and the store's retries absorb.
 */
final class SqlitePool implements ConnectionPool {

  /** How long SQLite waits for a lock another connection holds before reporting busy. */
  static final int BUSY_TIMEOUT_MILLIS = 10_000;

  private final String url;
  private final ReentrantLock writeLock = new ReentrantLock(true);
  private final Semaphore readers;
  private final Deque<Connection> idleReaders = new ArrayDeque<>();
  private @Nullable Connection writer; // guarded by writeLock
  private volatile boolean closed;

  SqlitePool(Path dbFile, int maxReaders) {
    this.url = "jdbc:sqlite:" + dbFile.toAbsolutePath();
    this.readers = new Semaphore(maxReaders, true);
  }

  private static SQLiteConfig config(boolean write) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    if (write) {
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    }
    return config;
  }

  private Connection open(boolean write) throws SQLException {
    Connection c = config(write).createConnection(url);
    if (!write) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = ON");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  @Override
  public Connection acquire(boolean write) throws SQLException, InterruptedException {
    checkOpen();
    if (write) {
      writeLock.lockInterruptibly();
      try {
        checkOpen();
        if (writer == null) {
          writer = open(true);
        }
        return writer;
      } catch (SQLException | RuntimeException e) {
        writeLock.unlock();
        throw e;
      }
    }
    // Waits for a reader; bounded so that a leak shows as an error, not a hang.
    if (!readers.tryAcquire(BUSY_TIMEOUT_MILLIS * 3L, TimeUnit.MILLISECONDS)) {
      throw new SQLException("no SQLite reader connection became free");
    }
    try {
      Connection c;
      synchronized (idleReaders) {
        c = idleReaders.pollFirst();
      }
      return c != null ? c : open(false);
    } catch (SQLException | RuntimeException e) {
      readers.release();
      throw e;
    }
  }

  @Override
  public void release(Connection connection, boolean write, boolean broken) {
    if (write) {
      try {
        if (broken || closed) {
          closeQuietly(connection);
          writer = null;
        }
      } finally {
        writeLock.unlock();
      }
      return;
    }
    try {
      if (broken || closed) {
        closeQuietly(connection);
      } else {
        synchronized (idleReaders) {
          idleReaders.addFirst(connection);
        }
        if (closed) {
          drainReaders();
        }
      }
    } finally {
      readers.release();
    }
  }

  private void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("the metadata store is closed");
    }
  }

  private void drainReaders() {
    while (true) {
      Connection c;
      synchronized (idleReaders) {
        c = idleReaders.pollFirst();
      }
      if (c == null) {
        return;
      }
      closeQuietly(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // Nothing more to do with a connection that is being discarded.
    }
  }

  @Override
  public void close() throws SQLException {
    closed = true;
    drainReaders();
    writeLock.lock();
    try {
      if (writer != null) {
        Connection c = writer;
        writer = null;
        c.close();
      }
    } finally {
      writeLock.unlock();
    }
  }
}
