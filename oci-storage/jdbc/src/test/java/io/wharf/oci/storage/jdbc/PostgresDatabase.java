package io.wharf.oci.storage.jdbc;

import io.wharf.oci.model.testing.TestEnvironment;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The PostgreSQL server the integration tests run against, named by {@code WHARF_PG_URL} (a JDBC
 * URL), {@code WHARF_PG_USER} and {@code WHARF_PG_PASSWORD}; {@code .ci/run} starts one and sets
 * them. Each test database is a fresh schema, so tests never see each other's data. Without the
 * variables the tests are skipped, except under CI ({@code CI=true}), where they fail: a CI run
 * must never pass by skipping them.
 */
final class PostgresDatabase {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String url;
  private final Properties credentials = new Properties();

  private PostgresDatabase(String url, String user, String password) {
    this.url = url;
    credentials.setProperty("user", user);
    credentials.setProperty("password", password);
    // Tests need no durability across a server crash; without waiting for each commit's WAL
    // flush they run several times faster on a loaded machine. The store's behaviour is the same.
    credentials.setProperty("options", "-c synchronous_commit=off");
  }

  /** The configured server, or a skipped (or, under CI, failed) test. */
  static PostgresDatabase configured() {
    String url = System.getenv("WHARF_PG_URL");
    TestEnvironment.require(
        url != null && !url.isBlank(),
        "WHARF_PG_URL is not set: no PostgreSQL to test against (scripts/test-services.sh starts"
            + " one)");
    return new PostgresDatabase(
        url,
        System.getenv().getOrDefault("WHARF_PG_USER", "wharf"),
        System.getenv().getOrDefault("WHARF_PG_PASSWORD", "wharf"));
  }

  /** Creates a new empty schema and returns its name. */
  String createSchema() throws SQLException {
    String schema = "t_" + HexFormat.of().formatHex(RANDOM.generateSeed(8));
    try (Connection c = DriverManager.getConnection(url, credentials);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return schema;
  }

  /** A plain connection whose search path is {@code schema}. */
  Connection connect(String schema) throws SQLException {
    Properties p = new Properties();
    p.putAll(credentials);
    p.setProperty("currentSchema", schema);
    return DriverManager.getConnection(url, p);
  }

  /** A data source of connections whose search path is {@code schema}. */
  DataSource dataSource(String schema) {
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return connect(schema);
      }

      @Override
      public Connection getConnection(String username, String password) throws SQLException {
        return connect(schema);
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
      }

      @Override
      public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
      }

      @Override
      public boolean isWrapperFor(Class<?> type) {
        return false;
      }
    };
  }
}
