package io.wharf.oci.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Connections from an application's {@link DataSource} (which usually pools them), each closed
 * after use. Writes are serialised by a JVM lock when the dialect allows one writer only.
 */
final class DataSourcePool implements ConnectionPool {

  private final DataSource dataSource;
  private final @Nullable Lock writeLock;

  DataSourcePool(DataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.writeLock = dialect.singleWriter() ? new ReentrantLock(true) : null;
  }

  @Override
  public Connection acquire(boolean write) throws SQLException, InterruptedException {
    if (write && writeLock != null) {
      writeLock.lockInterruptibly();
      try {
        return dataSource.getConnection();
      } catch (SQLException | RuntimeException e) {
        writeLock.unlock();
        throw e;
      }
    }
    return dataSource.getConnection();
  }

  @Override
  public void release(Connection connection, boolean write, boolean broken) {
    try {
      connection.close();
    } catch (SQLException e) {
      // The application's pool decides what to do with a connection it cannot take back.
    } finally {
      if (write && writeLock != null) {
        writeLock.unlock();
      }
    }
  }

  /** The application owns the data source: nothing to close. */
  @Override
  public void close() {}
}
