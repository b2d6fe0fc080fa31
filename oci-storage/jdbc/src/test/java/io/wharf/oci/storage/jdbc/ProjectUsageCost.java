package io.wharf.oci.storage.jdbc;

import io.wharf.oci.model.Digest;
import io.wharf.oci.storage.ProjectUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures, and only prints, what {@link JdbcMetadataStore#projectUsage} and {@link
 * JdbcMetadataStore#projectHolds} cost on SQLite with 100,000 blobs in the project (and as many in
 * another project), with their query plans. Not a test of behaviour: run it by hand with {@code
 * -Dtest=ProjectUsageCost -Dwharf.measure=true}; the figures go into notes and Javadoc.
 */
@EnabledIfSystemProperty(named = "wharf.measure", matches = "true")
class ProjectUsageCost {

  private static final int BLOBS = 100_000;
  private static final int REPOSITORIES = 20;
  private static final int MANIFESTS = 2_000;

  /** What the counters replace: the project's distinct digests grouped at each call. */
  private static final String GROUPING_USAGE =
      "SELECT COALESCE(SUM(size), 0) FROM (SELECT digest, MAX(size) AS size FROM ("
          + "SELECT digest, size FROM manifests WHERE "
          + ProjectCounters.IN_PROJECT
          + " UNION ALL SELECT digest, size FROM blob_links WHERE "
          + ProjectCounters.IN_PROJECT
          + ") contents GROUP BY digest) distinct_contents";

  @Test
  void measure() throws Exception {
    Files.createDirectories(Path.of("target", "measure"));
    Path file = Files.createTempDirectory(Path.of("target", "measure"), "usage-").resolve("m.db");
    JdbcMetadataStore.sqlite(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.setAutoCommit(false);
      fill(c, "big", 0);
      fill(c, "other", 1);
      long start = System.nanoTime();
      ProjectCounters.backfill(c);
      System.out.printf(
          "backfill of the counters (schema version 4): %.0f ms%n",
          (System.nanoTime() - start) / 1e6);
      c.commit();
      c.setAutoCommit(true);
      for (String sql : List.of(ProjectCounters.USAGE, ProjectCounters.HOLDS, GROUPING_USAGE)) {
        System.out.println("EXPLAIN QUERY PLAN " + sql);
        try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
          int params = (int) sql.chars().filter(ch -> ch == '?').count();
          for (int i = 1; i <= params; i++) {
            p.setString(i, "big");
          }
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              System.out.println("  " + rs.getString(4));
            }
          }
        }
      }
    }
    try (JdbcMetadataStore store = JdbcMetadataStore.sqlite(file)) {
      ProjectUsage usage = store.projectUsage("big");
      int calls = 20;
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        usage = store.projectUsage("big");
      }
      double usageMs = (System.nanoTime() - start) / 1e6 / calls;
      Digest probe = digest(0, BLOBS / 2);
      start = System.nanoTime();
      boolean held = false;
      for (int i = 0; i < calls * 50; i++) {
        held = store.projectHolds("big", probe);
      }
      double holdsMs = (System.nanoTime() - start) / 1e6 / (calls * 50);
      System.out.printf(
          "projectUsage(big) = %s: %.3f ms per call; projectHolds = %s: %.3f ms per call%n",
          usage, usageMs, held, holdsMs);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement p = c.prepareStatement(GROUPING_USAGE)) {
      for (int i = 1; i <= 6; i += 3) {
        p.setString(i, "big");
        p.setString(i + 1, "big/");
        p.setString(i + 2, "big0");
      }
      long start = System.nanoTime();
      long bytes = 0;
      for (int i = 0; i < 5; i++) {
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          bytes = rs.getLong(1);
        }
      }
      System.out.printf(
          "the same bytes grouped from the tables instead: %d, %.1f ms per call%n",
          bytes, (System.nanoTime() - start) / 1e6 / 5);
    }
  }

  /**
   * {@value #BLOBS} blob links over {@value #REPOSITORIES} repositories of {@code project}, one in
   * four of them linked in two repositories, and {@value #MANIFESTS} manifests.
   */
  private static void fill(Connection c, String project, int seed) throws Exception {
    try (PreparedStatement repo = c.prepareStatement("INSERT INTO repositories VALUES (?)");
        PreparedStatement link =
            c.prepareStatement("INSERT INTO blob_links (repo, digest, size) VALUES (?, ?, ?)");
        PreparedStatement manifest =
            c.prepareStatement(
                "INSERT INTO manifests (repo, digest, media_type, size, bytes, pushed_at,"
                    + " referrer) VALUES (?, ?, 'application/vnd.oci.image.manifest.v1+json', ?,"
                    + " x'7b7d', '2026-01-01T00:00:00.000000000Z', x'7b7d')")) {
      for (int r = 0; r < REPOSITORIES; r++) {
        repo.setString(1, project + "/app" + r);
        repo.executeUpdate();
      }
      for (int b = 0; b < BLOBS; b++) {
        link.setString(1, project + "/app" + (b % REPOSITORIES));
        link.setString(2, digest(seed, b).toString());
        link.setLong(3, 1000 + b);
        link.addBatch();
        if (b % 4 == 0) {
          link.setString(1, project + "/app" + ((b + 1) % REPOSITORIES));
          link.addBatch();
        }
      }
      link.executeBatch();
      for (int m = 0; m < MANIFESTS; m++) {
        manifest.setString(1, project + "/app" + (m % REPOSITORIES));
        manifest.setString(2, digest(seed + 100, m).toString());
        manifest.setLong(3, 500 + m);
        manifest.addBatch();
      }
      manifest.executeBatch();
    }
  }

  private static Digest digest(int seed, int n) {
    byte[] b = new byte[32];
    b[0] = (byte) seed;
    b[28] = (byte) (n >>> 24);
    b[29] = (byte) (n >>> 16);
    b[30] = (byte) (n >>> 8);
    b[31] = (byte) n;
    return Digest.parse("sha256:" + HexFormat.of().formatHex(b));
  }
}
