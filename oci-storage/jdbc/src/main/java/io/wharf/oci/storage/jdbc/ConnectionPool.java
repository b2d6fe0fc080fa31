package io.wharf.oci.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where {@link JdbcMetadataStore} gets its connections. A connection acquired for writing is
 * exclusive to the caller until released; where the database allows one writer only, so is the
 * right to write.
 */
interface ConnectionPool extends AutoCloseable {

  /**
   * A connection, for a write transaction when {@code write}, else for auto-committed reads.
   *
   * @throws InterruptedException when interrupted while waiting for one
   */
  Connection acquire(boolean write) throws SQLException, InterruptedException;

  /**
   * Gives back {@code connection} from {@link #acquire}. A {@code broken} one is closed, not
   * reused.
   */
  void release(Connection connection, boolean write, boolean broken);

  /** Closes the connections this pool opened. */
  @Override
  void close() throws SQLException;
}
