package io.wharf.oci.storage.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The versioned schema: classpath scripts {@code db/V<n>__<description>.sql}, applied in order at
 * start-up and recorded in table {@code schema_version}; a version may add a Java step after its
 * script ({@link #JAVA_STEPS}), for what SQL cannot do, such as parsing manifests. Whatever is
 * pending is applied in one transaction, so a failed start leaves the schema as it was; a restart
 * applies nothing twice.
 */
final class Migrations {

  /** The scripts, in version order; version n is the n-th. Append, never edit or reorder. */
  static final List<String> SCRIPTS =
      List.of(
          "V1__init.sql",
          "V2__manifest_references.sql",
          "V3__access.sql",
          "V4__project_usage.sql",
          "V5__lifecycle.sql");

  /** A step of a version that SQL cannot express, run after its script in the same transaction. */
  @FunctionalInterface
  interface JavaStep {
    /** Runs the step on {@code c}, a database of {@code dialect}, migrated at {@code now}. */
    void run(Connection c, Dialect dialect, Instant now) throws SQLException;
  }

  /** The Java steps, by the script they follow. */
  static final Map<String, JavaStep> JAVA_STEPS =
      Map.of(
          "V2__manifest_references.sql",
          (c, dialect, now) -> ReferenceBackfill.run(c),
          "V4__project_usage.sql",
          (c, dialect, now) -> ProjectCounters.backfill(c),
          "V5__lifecycle.sql",
          (c, dialect, now) ->
              Sql.update(c, "UPDATE blob_links SET linked_at = ?", Timestamps.format(now)));

  private Migrations() {}

  /** The schema version this code writes and reads. */
  static int latest() {
    return SCRIPTS.size();
  }

  /**
   * Brings the schema behind {@code c} to {@link #latest()}; {@code now} dates what a migration
   * must date (the blob links of version 5).
   *
   * @return the number of scripts applied
   * @throws IOException when a script cannot be read or the database is newer than this code
   */
  static int migrate(Connection c, Dialect dialect, Instant now) throws SQLException, IOException {
    dialect.lockForMigration(c);
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS schema_version ("
              + "version INTEGER NOT NULL PRIMARY KEY, "
              + "description TEXT NOT NULL, "
              + "applied_at TEXT NOT NULL)");
    }
    int current = current(c);
    if (current > latest()) {
      throw new IOException(
          "the metadata database has schema version "
              + current
              + ", newer than the "
              + latest()
              + " this version of Wharf knows");
    }
    int applied = 0;
    for (int version = current + 1; version <= latest(); version++) {
      String script = SCRIPTS.get(version - 1);
      try (Statement s = c.createStatement()) {
        for (String statement : statements(dialect.expand(read(script)))) {
          s.execute(statement);
        }
      }
      JavaStep step = JAVA_STEPS.get(script);
      if (step != null) {
        step.run(c, dialect, now);
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
        p.setInt(1, version);
        p.setString(2, description(script));
        p.setString(3, Timestamps.format(now));
        p.executeUpdate();
      }
      applied++;
    }
    return applied;
  }

  /** The version recorded in {@code schema_version}, 0 for a new database. */
  static int current(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  static String description(String script) {
    String name = script.substring(script.indexOf("__") + 2, script.length() - ".sql".length());
    return name.replace('_', ' ');
  }

  static String read(String script) throws IOException {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/" + script)) {
      if (in == null) {
        throw new IOException("schema script db/" + script + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The statements of {@code script}: {@code --} comment lines dropped, split where a line ends
   * with {@code ;}.
   */
  static List<String> statements(String script) {
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      if (trimmed.endsWith(";")) {
        current.append(trimmed, 0, trimmed.length() - 1);
        result.add(current.toString().strip());
        current.setLength(0);
      } else {
        current.append(trimmed).append('\n');
      }
    }
    if (!current.toString().isBlank()) {
      result.add(current.toString().strip());
    }
    return result;
  }
}
