package io.wharf.oci.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The few things that differ between the databases {@link JdbcMetadataStore} runs on. The data path
 * is the same SQL everywhere ({@code INSERT ... ON CONFLICT}, keyset pagination with {@code
 * LIMIT}); only the schema's column types, how a migration is serialised between nodes, and which
 * failures are worth retrying differ.
 */
public enum Dialect {

  /**
   * SQLite 3.24 or later: one writer at a time (writes are serialised in the JVM as well), {@code
   * TEXT} compares bytewise ({@code BINARY} collation) by default, and {@code SQLITE_BUSY} or
   * {@code SQLITE_LOCKED} mean "try again".
   */
  SQLITE("TEXT", "BLOB", null, true, Set.of()),

  /**
   * PostgreSQL 12 or later: text keys use the {@code "C"} collation so that they compare bytewise
   * and their indexes serve range scans, write transactions run {@code SERIALIZABLE} and are
   * retried on serialization failures and deadlocks, and migrations hold an advisory lock.
   */
  POSTGRESQL(
      "TEXT COLLATE \"C\"",
      "BYTEA",
      "SELECT pg_advisory_xact_lock(5718388312417)",
      false,
      Set.of("40001", "40P01"));

  private final String textType;
  private final String bytesType;
  private final @Nullable String migrationLock;
  private final boolean singleWriter;
  private final Set<String> retryableStates;

  Dialect(
      String textType,
      String bytesType,
      @Nullable String migrationLock,
      boolean singleWriter,
      Set<String> retryableStates) {
    this.textType = textType;
    this.bytesType = bytesType;
    this.migrationLock = migrationLock;
    this.singleWriter = singleWriter;
    this.retryableStates = retryableStates;
  }

  /**
   * The dialect of the database {@code connection} is open on, from its product name.
   *
   * @throws SQLException when the database is neither SQLite nor PostgreSQL, or the metadata cannot
   *     be read
   */
  public static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (p.contains("sqlite")) {
      return SQLITE;
    }
    if (p.contains("postgres")) {
      return POSTGRESQL;
    }
    throw new SQLException("unsupported database '" + product + "'");
  }

  /** The column type of text that compares bytewise: names, digests, timestamps. */
  String textType() {
    return textType;
  }

  /** The column type of exact bytes. */
  String bytesType() {
    return bytesType;
  }

  /** Whether the database allows one writer only, so that writes are best serialised in the JVM. */
  boolean singleWriter() {
    return singleWriter;
  }

  /**
   * The isolation level write transactions run at, or -1 to keep the connection's. PostgreSQL
   * writes run at READ COMMITTED under a per-repository lock ({@link #lockRepository}): each
   * statement then sees what earlier writers committed, so a tag's previous digest is read
   * correctly without SERIALIZABLE's retries, which concurrent re-tags of one tag exhaust.
   */
  int writeIsolation() {
    return this == POSTGRESQL ? Connection.TRANSACTION_READ_COMMITTED : -1;
  }

  /**
   * Serialises the write transactions of one repository across every node, until the transaction
   * ends: a PostgreSQL transaction-scoped advisory lock keyed by the repository name. SQLite needs
   * none, having a single writer.
   */
  void lockRepository(Connection connection, String repository) throws SQLException {
    advisoryLock(connection, "wharf/repository/" + repository);
  }

  /**
   * Serialises the write transactions of access control's records (projects, members, robots)
   * across every node, until the transaction ends, as {@link #lockRepository} does for a
   * repository. Held, a transaction at READ COMMITTED sees every access write committed before it.
   */
  void lockAccess(Connection connection) throws SQLException {
    advisoryLock(connection, "wharf/access");
  }

  /**
   * Serialises the changes of one project's usage counters ({@link ProjectCounters}) across every
   * node, until the transaction ends. Taken after the repository's lock ({@link #lockRepository}),
   * never before, so that two writers cannot wait for each other.
   */
  void lockProject(Connection connection, String project) throws SQLException {
    advisoryLock(connection, "wharf/project/" + project);
  }

  private void advisoryLock(Connection connection, String name) throws SQLException {
    if (this != POSTGRESQL) {
      return;
    }
    try (java.sql.PreparedStatement s =
        connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      s.setLong(1, lockKey(name));
      s.execute();
    }
  }

  /**
   * A 64-bit advisory lock key for {@code name} (in a namespace of Wharf's own: {@code wharf/...}):
   * the first 8 bytes of its SHA-256.
   */
  private static long lockKey(String name) {
    byte[] hash;
    try {
      hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    return java.nio.ByteBuffer.wrap(hash).getLong();
  }

  /** Serialises migrations between nodes within the current transaction, where needed. */
  void lockForMigration(Connection connection) throws SQLException {
    if (migrationLock != null) {
      try (Statement s = connection.createStatement()) {
        s.execute(migrationLock);
      }
    }
  }

  /** Replaces the schema scripts' placeholders with this dialect's types. */
  String expand(String script) {
    return script.replace("${text}", textType).replace("${bytes}", bytesType);
  }

  /**
   * Whether {@code e} (or an exception it chains) says that the transaction lost a race and may
   * succeed when run again.
   */
  boolean isRetryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException && isRetryableItself((SQLException) t)) {
        return true;
      }
    }
    for (SQLException next = e.getNextException(); next != null; next = next.getNextException()) {
      if (isRetryableItself(next)) {
        return true;
      }
    }
    return false;
  }

  private boolean isRetryableItself(SQLException e) {
    if (this == SQLITE) {
      // Primary result codes SQLITE_BUSY (5) and SQLITE_LOCKED (6); sqlite-jdbc reports the
      // extended code as the vendor code, so mask it.
      int primary = e.getErrorCode() & 0xff;
      return primary == 5 || primary == 6;
    }
    return e.getSQLState() != null && retryableStates.contains(e.getSQLState());
  }
}
