package io.wharf.oci.auth;

import static io.wharf.oci.auth.TestAccess.T0;
import static io.wharf.oci.auth.TestAccess.permission;
import static io.wharf.oci.auth.TestAccess.robot;
import static io.wharf.oci.auth.TestAccess.robotRecord;
import static io.wharf.oci.auth.TestAccess.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.Identity;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import io.wharf.oci.storage.access.RobotRecord;
import io.wharf.oci.storage.memory.InMemoryAccessStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of the table "Registry actions by caller" in {@code PERMISSIONS.md} against {@link
 * ProjectAuthorizer}: the document is the test's table, so the two cannot drift apart. Each caller
 * named in the table is set up here (a role in both projects, a group binding, a system
 * administrator, a robot); a row the test does not know, or a caller the table lacks, fails.
 */
class HarborMatrixTest {

  private static final Path DOCUMENT = Path.of("PERMISSIONS.md");
  private static final RepositoryName PRIVATE = RepositoryName.of("priv/app");
  private static final RepositoryName PUBLIC = RepositoryName.of("pub/app");
  private static final RepositoryName MISSING = RepositoryName.of("missing/app");

  /** The table's columns, in order, as accesses. */
  private static final List<Access> COLUMNS =
      List.of(
          Access.pull(PRIVATE),
          Access.push(PRIVATE),
          Access.delete(PRIVATE),
          Access.pull(PUBLIC),
          Access.push(PUBLIC),
          Access.delete(PUBLIC),
          Access.pull(MISSING),
          Access.push(MISSING),
          Access.catalog(),
          Access.login());

  private static final RobotAction[] ALL = RobotAction.values();

  private static final Map<String, Identity> CALLERS = new LinkedHashMap<>();
  private static ProjectAuthorizer authorizer;

  @BeforeAll
  static void setUp() throws IOException {
    InMemoryAccessStore store = new InMemoryAccessStore();
    MutableClock clock = new MutableClock(T0);
    authorizer =
        ProjectAuthorizer.builder(store)
            .systemAdmin("root")
            .systemAdminGroup("ops")
            .clock(clock)
            .build();
    Projects projects = authorizer.projects();
    projects.create("priv", false);
    projects.create("pub", true);
    projects.create("other", false);

    CALLERS.put("anonymous", Identity.ANONYMOUS);
    CALLERS.put("user, not a member", user("carol", "strangers"));
    for (ProjectRole role : ProjectRole.values()) {
      Identity member = user("member-" + role.id());
      member(projects, Principal.user(member.name().orElseThrow()), role);
      CALLERS.put(role.id(), member);
    }
    member(projects, Principal.group("devs"), ProjectRole.DEVELOPER);
    CALLERS.put("developer through a group", user("dora", "devs"));
    member(projects, Principal.user("gus"), ProjectRole.GUEST);
    member(projects, Principal.group("maintainers"), ProjectRole.MAINTAINER);
    CALLERS.put("guest, and maintainer through a group", user("gus", "maintainers", "devs"));
    CALLERS.put("system administrator", user("root"));
    CALLERS.put("member of a system administrators' group", user("olga", "staff", "ops"));

    addRobot(store, "robot with pull", robotRecord("r1", both(RobotAction.PULL)));
    addRobot(
        store,
        "robot with pull, push",
        robotRecord("r2", both(RobotAction.PULL, RobotAction.PUSH)));
    addRobot(store, "robot with pull, push, delete, list", robotRecord("r3", both(ALL)));
    addRobot(
        store,
        "robot with pull, push in every project",
        robotRecord(
            "r4", permission(RobotPermission.ALL_PROJECTS, RobotAction.PULL, RobotAction.PUSH)));
    addRobot(store, "robot of another project", robotRecord("r5", permission("other", ALL)));
    addRobot(store, "disabled robot", TestAccess.disabled(robotRecord("r6", both(ALL))));
    addRobot(
        store,
        "expired robot",
        TestAccess.expiring(robotRecord("r7", both(ALL)), T0.plusSeconds(60)));
    clock.advance(Duration.ofMinutes(2)); // r7 is past its expiry; the snapshot is due a reload
  }

  private static RobotPermission both(RobotAction... actions) {
    return permission("priv", actions);
  }

  private static void member(Projects projects, Principal principal, ProjectRole role)
      throws IOException {
    projects.putMember("priv", principal, role);
    projects.putMember("pub", principal, role);
  }

  private static void addRobot(InMemoryAccessStore store, String label, RobotRecord record) {
    List<RobotPermission> permissions = new ArrayList<>(record.permissions());
    for (RobotPermission p : record.permissions()) {
      if (p.project().equals("priv")) {
        permissions.add(new RobotPermission("pub", p.actions()));
      }
    }
    store.createRobot(TestAccess.withPermissions(record, permissions));
    CALLERS.put(label, robot(record.name()));
  }

  /** The rows of the document's table: caller, then one yes/no per column. */
  static List<List<String>> rows() throws IOException {
    String text = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
    String table =
        text.substring(text.indexOf("<!-- matrix:start -->"), text.indexOf("<!-- matrix:end -->"));
    List<List<String>> rows = new ArrayList<>();
    for (String line : table.lines().toList()) {
      if (!line.startsWith("|") || line.startsWith("|---") || line.startsWith("| caller")) {
        continue;
      }
      List<String> cells =
          Stream.of(line.substring(1, line.length() - 1).split("\\|")).map(String::strip).toList();
      rows.add(cells);
    }
    return rows;
  }

  static Stream<Arguments> cells() throws IOException {
    List<Arguments> cells = new ArrayList<>();
    for (List<String> row : rows()) {
      for (int c = 0; c < COLUMNS.size(); c++) {
        cells.add(Arguments.of(row.get(0), COLUMNS.get(c), row.get(c + 1)));
      }
    }
    return cells.stream();
  }

  @Test
  void theTableNamesEveryCallerOnceWithACellPerColumn() throws IOException {
    List<List<String>> rows = rows();
    assertThat(rows)
        .extracting(r -> r.get(0))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(CALLERS.keySet());
    assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(COLUMNS.size() + 1));
    assertThat(rows).flatExtracting(r -> r.subList(1, r.size())).containsOnly("yes", "no");
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @MethodSource("cells")
  void theAuthorizerAnswersAsTheTableSays(String caller, Access access, String expected)
      throws IOException {
    Identity identity = CALLERS.get(caller);
    assertThat(identity).as("a caller the test knows").isNotNull();
    Decision decision = authorizer.authorize(identity, access);
    assertThat(decision.allowed())
        .as("%s may %s: %s", caller, access, decision.reasons())
        .isEqualTo(expected.equals("yes"));
  }
}
