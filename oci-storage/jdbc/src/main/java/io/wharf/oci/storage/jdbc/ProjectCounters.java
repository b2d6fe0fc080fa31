package io.wharf.oci.storage.jdbc;

import static io.wharf.oci.storage.jdbc.Sql.queryAll;
import static io.wharf.oci.storage.jdbc.Sql.queryOne;
import static io.wharf.oci.storage.jdbc.Sql.update;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.ProjectUsage;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The per-project usage counters of schema version 4 (tables {@code project_content} and {@code
 * project_usage}), kept by every write that adds or removes a row of {@code manifests} or {@code
 * blob_links}, in that write's transaction. A quota check then reads one row by primary key instead
 * of grouping every blob of the project: on SQLite with 100,000 blobs in the project (125,000
 * links), 0.2 ms instead of 270 to 350 ms.
 *
 * <p>Each write takes the project's lock first ({@link Dialect#lockProject}, after its repository's
 * lock, so that two locks are always taken in the same order): on PostgreSQL, writes to different
 * repositories of one project run concurrently on several nodes, and their read-then-write of the
 * same counters must not interleave. SQLite has one writer anyway.
 */
final class ProjectCounters {

  /** Whether a row's repository belongs to a project; parameters from {@link #range}. */
  static final String IN_PROJECT = "(repo = ? OR (repo >= ? AND repo < ?))";

  /** A project's usage: one row by primary key. */
  static final String USAGE = "SELECT bytes, artifacts FROM project_usage WHERE project = ?";

  /** Whether a project holds a digest: one row by primary key. */
  static final String HOLDS = "SELECT 1 FROM project_content WHERE project = ? AND digest = ?";

  private static final String ADD_TO_USAGE =
      "INSERT INTO project_usage (project, bytes, artifacts) VALUES (?, ?, ?)"
          + " ON CONFLICT (project) DO UPDATE SET bytes = project_usage.bytes + excluded.bytes,"
          + " artifacts = project_usage.artifacts + excluded.artifacts";

  /** The distinct content of one project, from the tables, for {@link #backfill}. */
  private static final String FILL_CONTENT =
      "INSERT INTO project_content (project, digest, size, holders)"
          + " SELECT ?, digest, MAX(size), COUNT(*) FROM ("
          + "SELECT digest, size FROM manifests WHERE "
          + IN_PROJECT
          + " UNION ALL SELECT digest, size FROM blob_links WHERE "
          + IN_PROJECT
          + ") contents GROUP BY digest";

  private static final String FILL_USAGE =
      "INSERT INTO project_usage (project, bytes, artifacts)"
          + " SELECT ?, (SELECT COALESCE(SUM(size), 0) FROM project_content WHERE project = ?),"
          + " (SELECT COUNT(*) FROM manifests WHERE "
          + IN_PROJECT
          + ")";

  private ProjectCounters() {}

  /**
   * Counts a new row of {@code repo} holding {@code digest} of {@code size} bytes: a manifest
   * ({@code artifacts} 1) or a blob link (0). The bytes count when the project held no row of the
   * digest before.
   */
  static void hold(
      Connection c, Dialect dialect, String repo, String digest, long size, int artifacts)
      throws SQLException {
    String project = projectOf(repo);
    dialect.lockProject(c, project);
    Optional<Long> holders = holders(c, project, digest);
    long bytes = 0;
    if (holders.isEmpty()) {
      update(
          c,
          "INSERT INTO project_content (project, digest, size, holders) VALUES (?, ?, ?, 1)",
          project,
          digest,
          size);
      bytes = size;
    } else {
      update(
          c,
          "UPDATE project_content SET holders = holders + 1 WHERE project = ? AND digest = ?",
          project,
          digest);
    }
    update(c, ADD_TO_USAGE, project, bytes, (long) artifacts);
  }

  /**
   * Uncounts a removed row of {@code repo} holding {@code digest}: a manifest ({@code artifacts} 1)
   * or a blob link (0). The bytes go with the project's last row of the digest.
   */
  static void release(Connection c, Dialect dialect, String repo, String digest, int artifacts)
      throws SQLException {
    String project = projectOf(repo);
    dialect.lockProject(c, project);
    Optional<long[]> row =
        queryOne(
            c,
            "SELECT holders, size FROM project_content WHERE project = ? AND digest = ?",
            List.of(project, digest),
            rs -> new long[] {rs.getLong(1), rs.getLong(2)});
    if (row.isEmpty()) {
      throw new SQLException(
          "project_content has no row of " + digest + " in project " + project + " to release");
    }
    long bytes = 0;
    if (row.get()[0] == 1) {
      update(c, "DELETE FROM project_content WHERE project = ? AND digest = ?", project, digest);
      bytes = row.get()[1];
    } else {
      update(
          c,
          "UPDATE project_content SET holders = holders - 1 WHERE project = ? AND digest = ?",
          project,
          digest);
    }
    update(
        c,
        "UPDATE project_usage SET bytes = bytes - ?, artifacts = artifacts - ? WHERE project = ?",
        bytes,
        (long) artifacts,
        project);
    update(
        c, "DELETE FROM project_usage WHERE project = ? AND bytes = 0 AND artifacts = 0", project);
  }

  private static Optional<Long> holders(Connection c, String project, String digest)
      throws SQLException {
    return queryOne(
        c,
        "SELECT holders FROM project_content WHERE project = ? AND digest = ?",
        List.of(project, digest),
        rs -> rs.getLong(1));
  }

  /** The usage of {@code project}; none for a project without content. */
  static ProjectUsage usage(Connection c, String project) throws SQLException {
    return queryOne(
            c, USAGE, List.of(project), rs -> new ProjectUsage(rs.getLong(1), rs.getLong(2)))
        .orElse(ProjectUsage.NONE);
  }

  /** Whether {@code project} holds {@code digest}. */
  static boolean holds(Connection c, String project, String digest) throws SQLException {
    return queryOne(c, HOLDS, List.of(project, digest), rs -> Boolean.TRUE).isPresent();
  }

  /**
   * The Java step of version 4: fills the counters from the manifests and blob links stored before,
   * one project at a time (the projects from the repository names, read in pages).
   */
  static void backfill(Connection c) throws SQLException {
    TreeSet<String> projects = new TreeSet<>();
    String last = "";
    while (true) {
      List<String> names =
          queryAll(
              c,
              "SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT 1000",
              List.of(last),
              rs -> rs.getString(1));
      if (names.isEmpty()) {
        break;
      }
      names.forEach(n -> projects.add(projectOf(n)));
      last = names.get(names.size() - 1);
    }
    for (String project : projects) {
      List<Object> params = new ArrayList<>();
      params.add(project);
      params.addAll(range(project));
      params.addAll(range(project));
      Sql.update(c, FILL_CONTENT, params.toArray());
      List<Object> usage = new ArrayList<>(List.of(project, project));
      usage.addAll(range(project));
      Sql.update(c, FILL_USAGE, usage.toArray());
    }
  }

  /** The parameters of {@link #IN_PROJECT}: the name, and the range of names under it. */
  private static List<Object> range(String project) {
    // '0' follows '/', so [project/, project0) holds exactly the names under project/; no LIKE,
    // whose _ would match any character.
    return List.of(project, project + "/", project + "0");
  }

  private static String projectOf(String repo) {
    return ProjectUsage.projectOf(new RepositoryName(repo));
  }
}
