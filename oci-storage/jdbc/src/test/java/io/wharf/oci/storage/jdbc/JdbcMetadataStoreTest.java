package io.wharf.oci.storage.jdbc;

import static io.wharf.oci.storage.jdbc.Fixtures.T0;
import static io.wharf.oci.storage.jdbc.Fixtures.image;
import static io.wharf.oci.storage.jdbc.Fixtures.layer;
import static io.wharf.oci.storage.jdbc.Fixtures.put;
import static io.wharf.oci.storage.tck.MetadataStoreContract.push;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** {@link JdbcMetadataStore} on SQLite files in a temporary directory. */
class JdbcMetadataStoreTest extends AbstractJdbcMetadataStoreTest {

  @TempDir Path dir;

  private int databases;
  private Path current;

  @Override
  protected JdbcMetadataStore openFresh(Clock clock) throws IOException {
    current = dir.resolve("db-" + databases++).resolve("metadata.db");
    return JdbcMetadataStore.sqlite(current, clock);
  }

  @Override
  protected JdbcMetadataStore reopen() throws IOException {
    return JdbcMetadataStore.sqlite(current);
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + current);
  }

  @Override
  protected Dialect dialect() {
    return Dialect.SQLITE;
  }

  private static String pragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @Test
  void projectUsageAndHoldsReadOneRowByPrimaryKey() throws Exception {
    fresh();
    try (Connection c = connect()) {
      for (String sql : List.of(ProjectCounters.USAGE, ProjectCounters.HOLDS)) {
        List<String> plan = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
          p.setString(1, "team");
          if (sql.equals(ProjectCounters.HOLDS)) {
            p.setString(2, "sha256:" + "0".repeat(64));
          }
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              plan.add(rs.getString(4));
            }
          }
        }
        assertThat(plan)
            .as(sql)
            .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
            .startsWith("SEARCH project_")
            .contains("INDEX sqlite_autoindex_project_")
            .contains("(project=?");
      }
    }
  }

  @Test
  void sqliteConnectionsAreConfiguredForOneNode() throws Exception {
    fresh();
    try (Connection c = connect()) {
      assertThat(pragma(c, "journal_mode")).isEqualTo("wal"); // persistent in the file
    }
    SqlitePool pool = new SqlitePool(current, 2);
    try {
      Connection writer = pool.acquire(true);
      try {
        assertThat(pragma(writer, "foreign_keys")).isEqualTo("1");
        assertThat(pragma(writer, "synchronous")).isEqualTo("2"); // FULL
        assertThat(pragma(writer, "busy_timeout")).isEqualTo("10000");
        assertThat(pragma(writer, "query_only")).isEqualTo("0");
      } finally {
        pool.release(writer, true, false);
      }
      Connection reader = pool.acquire(false);
      try {
        assertThat(pragma(reader, "foreign_keys")).isEqualTo("1");
        assertThat(pragma(reader, "query_only")).isEqualTo("1");
        assertThatThrownBy(() -> reader.createStatement().execute("DELETE FROM tags"))
            .isInstanceOf(SQLException.class);
      } finally {
        pool.release(reader, false, false);
      }
    } finally {
      pool.close();
    }
  }

  @Test
  void theSchemaEnforcesItsForeignKeys() throws Exception {
    fresh().close();
    SqlitePool pool = new SqlitePool(current, 1);
    try {
      Connection writer = pool.acquire(true);
      try (Statement s = writer.createStatement()) {
        assertThatThrownBy(
                () ->
                    s.execute(
                        "INSERT INTO tags (repo, name, digest, pushed_at) VALUES ('r', 't', 'd', 'x')"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("FOREIGN KEY");
      } finally {
        pool.release(writer, true, false);
      }
    } finally {
      pool.close();
    }
  }

  @Test
  void twoStoresOnOneFileWaitForEachOtherInsteadOfFailingBusy() throws Exception {
    JdbcMetadataStore one = fresh();
    JdbcMetadataStore two = again();
    int threads = 16;
    int rounds = 5;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        JdbcMetadataStore store = t % 2 == 0 ? one : two;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int r = 0; r < rounds; r++) {
                    push(store, REPO, put(image(thread * 100 + r, thread), T0, "t" + thread));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(one.manifestRecords(REPO)).hasSize(threads * rounds);
    assertThat(two.tagRecords(REPO)).hasSize(threads);
  }

  @Test
  void opensOnAnApplicationDataSourceAndDetectsTheDialect() throws Exception {
    JdbcMetadataStore first = fresh();
    RawManifest m = image(1, 1);
    push(first, REPO, put(m, T0, "latest"));
    first.close();

    SQLiteConfig config = new SQLiteConfig();
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    SQLiteDataSource dataSource = new SQLiteDataSource(config);
    dataSource.setUrl("jdbc:sqlite:" + current);
    try (JdbcMetadataStore store = JdbcMetadataStore.open(dataSource)) {
      assertThat(store.dialect()).isEqualTo(Dialect.SQLITE);
      assertThat(store.resolveTag(REPO, Tag.LATEST)).contains(m.digest());
      assertThat(store.deleteTag(REPO, Tag.LATEST)).isTrue();
    }
  }

  /**
   * On a data source whose transactions begin DEFERRED, a sweep must still hold SQLite's write lock
   * while its sweeper runs, or another process could link the blob between the sweep's check and
   * the sweeper.
   */
  @Test
  void aSweepHoldsTheDatabaseWriteLockWhileItsSweeperRuns() throws Exception {
    fresh().close();
    SQLiteConfig config = new SQLiteConfig();
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    SQLiteDataSource dataSource = new SQLiteDataSource(config);
    dataSource.setUrl("jdbc:sqlite:" + current);
    Digest digest = layer(3).digest();
    List<String> attempts = new ArrayList<>();
    try (JdbcMetadataStore store = JdbcMetadataStore.open(dataSource);
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + current)) {
      try (Statement s = other.createStatement()) {
        s.execute("PRAGMA busy_timeout = 0");
      }
      List<Digest> swept =
          store
              .lifecycle()
              .sweepBlobs(
                  List.of(digest),
                  d -> {
                    try (Statement s = other.createStatement()) {
                      s.execute("BEGIN IMMEDIATE");
                      s.execute("ROLLBACK");
                      attempts.add("another writer began");
                    } catch (SQLException e) {
                      attempts.add("busy " + (e.getErrorCode() & 0xff));
                    }
                    return true;
                  });
      assertThat(swept).containsExactly(digest);
      assertThat(attempts).containsExactly("busy 5");
      try (Statement s = other.createStatement()) {
        s.execute("BEGIN IMMEDIATE"); // free again once the sweep committed
        s.execute("ROLLBACK");
      }
    }
  }

  @Test
  void aFailedMigrationLeavesTheDatabaseAsItWas() throws Exception {
    Path file = dir.resolve("broken.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      // A table in the way of V1.
      s.execute("CREATE TABLE tags (x TEXT)");
    }
    assertThatThrownBy(() -> JdbcMetadataStore.sqlite(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("migrate");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("tags");
      assertThat(rs.next()).as("nothing else was created").isFalse();
    }
  }

  @Test
  void aDatabaseFromANewerVersionIsRefused() throws Exception {
    fresh().close();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'x', 'y')");
    }
    assertThatThrownBy(this::reopen)
        .isInstanceOf(IOException.class)
        .hasStackTraceContaining("schema version 99");
  }

  @Test
  void theDatabaseFileAndItsDirectoriesAreCreated() throws Exception {
    Path file = dir.resolve("x/y/z/metadata.db");
    try (JdbcMetadataStore store = JdbcMetadataStore.sqlite(file)) {
      assertThat(store.schemaVersion()).isEqualTo(JdbcMetadataStore.latestSchemaVersion());
    }
    assertThat(Files.isRegularFile(file)).isTrue();
  }
}
