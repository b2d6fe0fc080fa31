package io.wharf.oci.storage.jdbc;

import static io.wharf.oci.storage.jdbc.Sql.queryAll;
import static io.wharf.oci.storage.jdbc.Sql.queryOne;
import static io.wharf.oci.storage.jdbc.Sql.update;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.StorageException;
import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.DuplicateRobotException;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectMember;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotRecord;
import io.wharf.oci.storage.access.UnknownProjectException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@link AccessStore} of a {@link JdbcMetadataStore}, in the tables of schema version 3 ({@code
 * projects}, {@code project_members}, {@code robot_accounts}, {@code access_revision}).
 *
 * <p>Every write is one transaction that first takes the access lock (a PostgreSQL advisory lock;
 * SQLite has one writer), so access writes happen one at a time on every node and each sees what
 * the ones before it committed: "created or updated", "duplicate" and "missing" are decided without
 * races. A write that changes something adds one to the revision row in the same transaction; one
 * that changes nothing (a missing name, a refusal) leaves it, and a refusal rolls back. Reads are
 * single statements. Members are listed in {@link Principal}'s order, sorted here rather than by
 * the database, whose text order differs from Java's for some characters.
 */
final class JdbcAccessStore implements AccessStore {

  private static final String MEMBER_COLUMNS = "SELECT project, kind, principal, role";

  private static final String ROBOT_COLUMNS =
      "SELECT name, secret_hash, permissions, expires_at, disabled, created_at, description"
          + " FROM robot_accounts";

  private static final Comparator<ProjectMember> MEMBER_ORDER =
      Comparator.comparing(ProjectMember::project).thenComparing(ProjectMember::principal);

  private final JdbcMetadataStore database;

  JdbcAccessStore(JdbcMetadataStore database) {
    this.database = database;
  }

  @Override
  public long revision() throws IOException {
    return database.read(
        "read the access revision",
        c ->
            queryOne(
                    c,
                    "SELECT revision FROM access_revision WHERE id = 1",
                    List.of(),
                    rs -> rs.getLong(1))
                .orElseThrow(JdbcAccessStore::revisionMissing));
  }

  // ---------------------------------------------------------------------------------------------
  // Projects

  @Override
  public Optional<ProjectRecord> project(String name) throws IOException {
    return database.read(
        "look up project " + shown(name),
        c ->
            queryOne(
                c,
                "SELECT name, is_public, created_at FROM projects WHERE name = ?",
                List.of(name),
                JdbcAccessStore::project));
  }

  @Override
  public List<ProjectRecord> projects() throws IOException {
    return database.read(
        "list projects",
        c ->
            queryAll(
                c,
                "SELECT name, is_public, created_at FROM projects ORDER BY name",
                List.of(),
                JdbcAccessStore::project));
  }

  private static ProjectRecord project(ResultSet rs) throws SQLException {
    return new ProjectRecord(
        rs.getString(1), bool(rs.getInt(2)), Timestamps.parse(rs.getString(3)));
  }

  @Override
  public boolean putProject(ProjectRecord project) throws IOException {
    String name = project.name();
    int isPublic = project.isPublic() ? 1 : 0;
    return database.writeAccess(
        "put project " + name,
        c -> {
          int created =
              update(
                  c,
                  "INSERT INTO projects (name, is_public, created_at) VALUES (?, ?, ?)"
                      + " ON CONFLICT (name) DO NOTHING",
                  name,
                  isPublic,
                  Timestamps.format(project.created()));
          if (created == 0) {
            update(c, "UPDATE projects SET is_public = ? WHERE name = ?", isPublic, name);
          }
          advance(c);
          return created == 1;
        });
  }

  @Override
  public boolean deleteProject(String name) throws IOException {
    return database.writeAccess(
        "delete project " + shown(name),
        c -> {
          int members = update(c, "DELETE FROM project_members WHERE project = ?", name);
          int projects = update(c, "DELETE FROM projects WHERE name = ?", name);
          advanceIfChanged(c, members + projects);
          return projects > 0;
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Members

  @Override
  public List<ProjectMember> members() throws IOException {
    return sorted(
        database.read(
            "list project members",
            c ->
                queryAll(
                    c,
                    MEMBER_COLUMNS + " FROM project_members",
                    List.of(),
                    JdbcAccessStore::member)));
  }

  @Override
  public List<ProjectMember> members(String project) throws IOException {
    return sorted(
        database.read(
            "list the members of project " + shown(project),
            c ->
                queryAll(
                    c,
                    MEMBER_COLUMNS + " FROM project_members WHERE project = ?",
                    List.of(project),
                    JdbcAccessStore::member)));
  }

  private static List<ProjectMember> sorted(List<ProjectMember> members) {
    members.sort(MEMBER_ORDER);
    return List.copyOf(members);
  }

  private static ProjectMember member(ResultSet rs) throws SQLException {
    String kind = rs.getString(2);
    Principal.Kind principalKind =
        switch (kind) {
          case "user" -> Principal.Kind.USER;
          case "group" -> Principal.Kind.GROUP;
          default -> throw new IllegalArgumentException("unknown principal kind");
        };
    String role = rs.getString(4);
    ProjectRole projectRole =
        ProjectRole.fromId(role)
            .filter(r -> r.id().equals(role))
            .orElseThrow(() -> new IllegalArgumentException("unknown project role"));
    return new ProjectMember(
        rs.getString(1), new Principal(principalKind, rs.getString(3)), projectRole);
  }

  private static String kind(Principal principal) {
    return principal.kind().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void putMember(ProjectMember member) throws IOException {
    String project = member.project();
    Principal principal = member.principal();
    database.writeAccess(
        "put " + principal + " in project " + project,
        c -> {
          if (queryOne(c, "SELECT 1 FROM projects WHERE name = ?", List.of(project), rs -> 1)
              .isEmpty()) {
            throw new UnknownProjectException(project);
          }
          update(
              c,
              "INSERT INTO project_members (project, kind, principal, role) VALUES (?, ?, ?, ?)"
                  + " ON CONFLICT (project, kind, principal) DO UPDATE SET role = excluded.role",
              project,
              kind(principal),
              principal.name(),
              member.role().id());
          advance(c);
          return null;
        });
  }

  @Override
  public boolean removeMember(String project, Principal principal) throws IOException {
    return database.writeAccess(
        "remove " + principal + " from project " + shown(project),
        c ->
            advanceIfChanged(
                c,
                update(
                    c,
                    "DELETE FROM project_members WHERE project = ? AND kind = ? AND principal = ?",
                    project,
                    kind(principal),
                    principal.name())));
  }

  // ---------------------------------------------------------------------------------------------
  // Robots

  @Override
  public void createRobot(RobotRecord robot) throws IOException {
    database.writeAccess(
        "create robot " + robot.name(),
        c -> {
          int created =
              update(
                  c,
                  "INSERT INTO robot_accounts (name, secret_hash, permissions, expires_at,"
                      + " disabled, created_at, description) VALUES (?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (name) DO NOTHING",
                  robot.name(),
                  robot.secretHash(),
                  RobotPermissionText.format(robot.permissions()),
                  robot.expiresAt().map(Timestamps::format).orElse(null),
                  robot.disabled() ? 1 : 0,
                  Timestamps.format(robot.created()),
                  robot.description());
          if (created == 0) {
            throw new DuplicateRobotException(robot.name());
          }
          advance(c);
          return null;
        });
  }

  @Override
  public boolean updateRobot(RobotRecord robot) throws IOException {
    return database.writeAccess(
        "update robot " + robot.name(),
        c ->
            advanceIfChanged(
                c,
                update(
                    c,
                    "UPDATE robot_accounts SET secret_hash = ?, permissions = ?, expires_at = ?,"
                        + " disabled = ?, description = ? WHERE name = ?",
                    robot.secretHash(),
                    RobotPermissionText.format(robot.permissions()),
                    robot.expiresAt().map(Timestamps::format).orElse(null),
                    robot.disabled() ? 1 : 0,
                    robot.description(),
                    robot.name())));
  }

  @Override
  public Optional<RobotRecord> robot(String name) throws IOException {
    return database.read(
        "look up robot " + shown(name),
        c -> queryOne(c, ROBOT_COLUMNS + " WHERE name = ?", List.of(name), JdbcAccessStore::robot));
  }

  @Override
  public List<RobotRecord> robots() throws IOException {
    return database.read(
        "list robots",
        c -> queryAll(c, ROBOT_COLUMNS + " ORDER BY name", List.of(), JdbcAccessStore::robot));
  }

  private static RobotRecord robot(ResultSet rs) throws SQLException {
    return new RobotRecord(
        rs.getString(1),
        rs.getString(2),
        RobotPermissionText.parse(rs.getString(3)),
        Optional.ofNullable(Timestamps.parseNullable(rs.getString(4))),
        bool(rs.getInt(5)),
        Timestamps.parse(rs.getString(6)),
        rs.getString(7));
  }

  @Override
  public boolean deleteRobot(String name) throws IOException {
    return database.writeAccess(
        "delete robot " + shown(name),
        c -> advanceIfChanged(c, update(c, "DELETE FROM robot_accounts WHERE name = ?", name)));
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** Adds one to the revision, in the transaction of {@code c}. */
  private static void advance(Connection c) throws SQLException {
    if (update(c, "UPDATE access_revision SET revision = revision + 1 WHERE id = 1") != 1) {
      throw revisionMissing();
    }
  }

  /** Whether {@code changedRows} is positive; advances the revision when it is. */
  private static boolean advanceIfChanged(Connection c, int changedRows) throws SQLException {
    if (changedRows > 0) {
      advance(c);
    }
    return changedRows > 0;
  }

  /**
   * {@code name} as a failure message may show it: a name looked up need not be valid, so at most
   * 64 characters of it, control characters replaced.
   */
  static String shown(String name) {
    String head = name.length() > 64 ? name.substring(0, 64) + "..." : name;
    StringBuilder b = new StringBuilder(head.length() + 2).append('\'');
    head.chars().forEach(ch -> b.append(ch < 0x20 || ch == 0x7f ? '?' : (char) ch));
    return b.append('\'').toString();
  }

  private static boolean bool(int stored) {
    if (stored != 0 && stored != 1) {
      throw new IllegalArgumentException("a stored flag is neither 0 nor 1");
    }
    return stored == 1;
  }

  private static StorageException revisionMissing() {
    return new StorageException(
        ErrorCode.UNKNOWN, "the metadata database has lost its access revision row");
  }

  /** For tests and logs: which database, never what it holds. */
  @Override
  public String toString() {
    return "JdbcAccessStore[" + database.dialect() + "]";
  }
}
