package io.wharf.oci.storage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.testing.Concurrently;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.DuplicateRobotException;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectMember;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import io.wharf.oci.storage.access.RobotRecord;
import io.wharf.oci.storage.access.UnknownProjectException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link AccessStore} keeps, as its Javadoc states it: projects, members, robot
 * accounts, the revision, concurrency and names kept as data.
 *
 * <p>To adopt it, a backend's test class extends this class and implements {@link #newStore()},
 * which returns a fresh, empty metadata store for each test; the contract tests its {@link
 * MetadataStore#access()} and closes it after the test:
 *
 * <pre>{@code
 * class SqliteAccessStoreContractTest extends AccessStoreContract {
 *   protected MetadataStore newStore() { return JdbcMetadataStore.sqlite(freshFile()); }
 * }
 * }</pre>
 *
 * <p>Timestamps are whole seconds, so a backend may store them with millisecond precision. Lists
 * are compared exactly, order included. Concurrent writes are valid requests: the concurrency tests
 * accept no failure but the ones the Javadoc promises to the losers of a race ({@link
 * DuplicateRobotException}).
 */
public abstract class AccessStoreContract {

  /** A fresh, empty metadata store whose access store is tested. The contract closes it. */
  protected abstract MetadataStore newStore() throws Exception;

  /** The metadata store made before each test by {@link #newStore()}. */
  protected MetadataStore metadata;

  /** Its access store, under test. */
  protected AccessStore store;

  protected static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  protected static final Instant T1 = T0.plusSeconds(3600);
  protected static final Instant T2 = T1.plusSeconds(86_400);

  protected static final Principal ALICE = Principal.user("alice");
  protected static final Principal BOB = Principal.user("bob");
  protected static final Principal DEVS = Principal.group("devs");

  @BeforeEach
  void openStore() throws Exception {
    metadata = newStore();
    store = metadata.access();
  }

  @AfterEach
  void closeStore() throws IOException {
    if (metadata != null) {
      metadata.close();
    }
  }

  /** A private project {@code name} created at {@link #T0}. */
  protected static ProjectRecord project(String name) {
    return new ProjectRecord(name, false, T0);
  }

  /** Robot {@code name}: pulls from {@code library}, never expires, created at {@link #T0}. */
  protected static RobotRecord robot(String name) {
    return new RobotRecord(
        name,
        "sha256:" + "ab".repeat(32),
        List.of(new RobotPermission("library", Set.of(RobotAction.PULL))),
        Optional.empty(),
        false,
        T0,
        "robot " + name);
  }

  private static ProjectMember member(String project, Principal principal, ProjectRole role) {
    return new ProjectMember(project, principal, role);
  }

  /** Puts {@code members}, each after creating its project when it is missing. */
  private void given(ProjectMember... members) throws IOException {
    for (ProjectMember m : members) {
      if (store.project(m.project()).isEmpty()) {
        store.putProject(project(m.project()));
      }
      store.putMember(m);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Projects

  @Test
  void aNewStoreHoldsNothing() throws IOException {
    assertThat(store.projects()).isEmpty();
    assertThat(store.members()).isEmpty();
    assertThat(store.robots()).isEmpty();
    assertThat(store.project("library")).isEmpty();
    assertThat(store.members("library")).isEmpty();
    assertThat(store.robot("ci")).isEmpty();
  }

  @Test
  void putProjectCreatesAProjectThenUpdatesOnlyItsPublicFlag() throws IOException {
    assertThat(store.putProject(new ProjectRecord("library", false, T0))).isTrue();
    assertThat(store.project("library")).contains(new ProjectRecord("library", false, T0));

    assertThat(store.putProject(new ProjectRecord("library", true, T1))).isFalse();
    assertThat(store.project("library")).contains(new ProjectRecord("library", true, T0));
    assertThat(store.putProject(new ProjectRecord("library", false, T2))).isFalse();
    assertThat(store.projects()).containsExactly(new ProjectRecord("library", false, T0));
    assertThat(store.project("librar")).isEmpty();
    assertThat(store.project("library2")).isEmpty();
  }

  @Test
  void projectsAreListedByName() throws IOException {
    List<String> names = List.of("b", "a-b", "a0", "a.b", "ab", "a_b", "a__b", "a--b", "9", "a");
    for (String name : names) {
      assertThat(store.putProject(project(name))).isTrue();
    }
    assertThat(store.projects())
        .extracting(ProjectRecord::name)
        .containsExactlyElementsOf(names.stream().sorted().toList());
  }

  @Test
  void deletingAProjectRemovesItsMembersAndNothingElse() throws IOException {
    given(
        member("library", ALICE, ProjectRole.DEVELOPER),
        member("library", DEVS, ProjectRole.GUEST),
        member("other", ALICE, ProjectRole.MAINTAINER));
    store.createRobot(robot("ci"));

    assertThat(store.deleteProject("library")).isTrue();
    assertThat(store.project("library")).isEmpty();
    assertThat(store.projects()).extracting(ProjectRecord::name).containsExactly("other");
    assertThat(store.members("library")).isEmpty();
    assertThat(store.members()).containsExactly(member("other", ALICE, ProjectRole.MAINTAINER));
    assertThat(store.robot("ci")).as("robot permissions stay").contains(robot("ci"));
    assertThat(store.deleteProject("library")).isFalse();

    // A project made again under the old name starts without members.
    assertThat(store.putProject(new ProjectRecord("library", true, T2))).isTrue();
    assertThat(store.project("library")).contains(new ProjectRecord("library", true, T2));
    assertThat(store.members("library")).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Members

  @Test
  void putMemberAddsAPrincipalOrChangesItsRole() throws IOException {
    store.putProject(project("library"));
    store.putMember(member("library", ALICE, ProjectRole.GUEST));
    assertThat(store.members("library"))
        .containsExactly(member("library", ALICE, ProjectRole.GUEST));

    store.putMember(member("library", ALICE, ProjectRole.PROJECT_ADMIN));
    assertThat(store.members("library"))
        .containsExactly(member("library", ALICE, ProjectRole.PROJECT_ADMIN));

    for (ProjectRole role : ProjectRole.values()) {
      store.putMember(member("library", BOB, role));
      assertThat(store.members("library"))
          .containsExactly(
              member("library", ALICE, ProjectRole.PROJECT_ADMIN), member("library", BOB, role));
    }
  }

  @Test
  void usersAndGroupsOfTheSameNameAreDifferentPrincipals() throws IOException {
    store.putProject(project("library"));
    store.putMember(member("library", Principal.group("alice"), ProjectRole.GUEST));
    store.putMember(member("library", ALICE, ProjectRole.MAINTAINER));
    assertThat(store.members("library"))
        .containsExactly(
            member("library", ALICE, ProjectRole.MAINTAINER),
            member("library", Principal.group("alice"), ProjectRole.GUEST));

    assertThat(store.removeMember("library", Principal.group("alice"))).isTrue();
    assertThat(store.members("library"))
        .containsExactly(member("library", ALICE, ProjectRole.MAINTAINER));
  }

  @Test
  void aMemberOfAMissingProjectIsRefusedAndNothingChanges() throws IOException {
    store.putProject(project("library"));
    long revision = store.revision();
    assertThatThrownBy(() -> store.putMember(member("missing", ALICE, ProjectRole.GUEST)))
        .isInstanceOf(UnknownProjectException.class)
        .hasMessageContaining("missing");
    assertThat(store.members()).isEmpty();
    assertThat(store.members("missing")).isEmpty();
    assertThat(store.project("missing")).isEmpty();
    assertThat(store.revision()).isEqualTo(revision);

    store.deleteProject("library");
    assertThatThrownBy(() -> store.putMember(member("library", ALICE, ProjectRole.GUEST)))
        .isInstanceOf(UnknownProjectException.class);
    assertThat(store.members()).isEmpty();
  }

  @Test
  void removeMemberRemovesOnlyThatMembership() throws IOException {
    given(
        member("library", ALICE, ProjectRole.GUEST),
        member("library", BOB, ProjectRole.GUEST),
        member("other", ALICE, ProjectRole.GUEST));

    assertThat(store.removeMember("library", ALICE)).isTrue();
    assertThat(store.removeMember("library", ALICE)).isFalse();
    assertThat(store.removeMember("library", Principal.group("bob"))).isFalse();
    assertThat(store.removeMember("missing", BOB)).isFalse();
    assertThat(store.members())
        .containsExactly(
            member("library", BOB, ProjectRole.GUEST), member("other", ALICE, ProjectRole.GUEST));
  }

  @Test
  void membersAreListedByProjectThenPrincipal() throws IOException {
    List<String> projects = List.of("zeta", "alpha", "alpha-2", "alpha.1");
    List<Principal> principals =
        List.of(
            Principal.group("ops"),
            Principal.user("zoe"),
            Principal.group("admins"),
            Principal.user("Zed"),
            Principal.user("adam"),
            Principal.group("Devs"));
    List<ProjectMember> expected = new ArrayList<>();
    for (String p : projects) {
      store.putProject(project(p));
    }
    int i = 0;
    for (Principal principal : principals) {
      for (String p : projects) {
        ProjectMember m = member(p, principal, ProjectRole.values()[i++ % 5]);
        store.putMember(m);
        expected.add(m);
      }
    }
    expected.sort(
        Comparator.comparing(ProjectMember::project).thenComparing(ProjectMember::principal));
    assertThat(store.members()).containsExactlyElementsOf(expected);
    for (String p : projects) {
      assertThat(store.members(p))
          .containsExactlyElementsOf(expected.stream().filter(m -> m.project().equals(p)).toList());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Robots

  @Test
  void aCreatedRobotReadsBackExactly() throws IOException {
    RobotRecord ci = robot("ci");
    store.createRobot(ci);
    assertThat(store.robot("ci")).contains(ci);
    assertThat(store.robots()).containsExactly(ci);
    assertThat(store.robot("c")).isEmpty();
    assertThat(store.robot("ci2")).isEmpty();
  }

  @Test
  void creatingARobotTwiceIsRefusedAndKeepsTheFirst() throws IOException {
    RobotRecord first = robot("ci");
    store.createRobot(first);
    long revision = store.revision();
    RobotRecord second =
        new RobotRecord(
            "ci", "sha256:" + "cd".repeat(32), List.of(), Optional.of(T2), true, T1, "second");
    assertThatThrownBy(() -> store.createRobot(second))
        .isInstanceOf(DuplicateRobotException.class)
        .hasMessageContaining("ci")
        .hasMessageNotContaining("cdcd");
    assertThat(store.robot("ci")).contains(first);
    assertThat(store.robots()).containsExactly(first);
    assertThat(store.revision()).isEqualTo(revision);
  }

  @Test
  void updateRobotReplacesAllButTheCreationTime() throws IOException {
    store.createRobot(robot("ci"));
    RobotRecord changed =
        new RobotRecord(
            "ci",
            "sha256:" + "ef".repeat(32),
            List.of(new RobotPermission("other", EnumSet.of(RobotAction.PUSH, RobotAction.DELETE))),
            Optional.of(T2),
            true,
            T1,
            "rotated");
    assertThat(store.updateRobot(changed)).isTrue();
    RobotRecord expected =
        new RobotRecord(
            "ci",
            changed.secretHash(),
            changed.permissions(),
            changed.expiresAt(),
            true,
            T0,
            "rotated");
    assertThat(store.robot("ci")).contains(expected);
    assertThat(store.robots()).containsExactly(expected);

    RobotRecord enabledAgain =
        new RobotRecord("ci", "sha256:00", List.of(), Optional.empty(), false, T2, "enabled again");
    assertThat(store.updateRobot(enabledAgain)).isTrue();
    assertThat(store.robot("ci"))
        .contains(
            new RobotRecord(
                "ci", "sha256:00", List.of(), Optional.empty(), false, T0, "enabled again"));
  }

  @Test
  void updatingAMissingRobotCreatesNothing() throws IOException {
    store.createRobot(robot("ci"));
    long revision = store.revision();
    assertThat(store.updateRobot(robot("deploy"))).isFalse();
    assertThat(store.robot("deploy")).isEmpty();
    assertThat(store.robots()).containsExactly(robot("ci"));
    assertThat(store.revision()).isEqualTo(revision);
  }

  @Test
  void deleteRobotRemovesOnlyThatRobot() throws IOException {
    store.createRobot(robot("ci"));
    store.createRobot(robot("deploy"));
    assertThat(store.deleteRobot("ci")).isTrue();
    assertThat(store.deleteRobot("ci")).isFalse();
    assertThat(store.deleteRobot("missing")).isFalse();
    assertThat(store.robot("ci")).isEmpty();
    assertThat(store.robots()).containsExactly(robot("deploy"));

    // A robot made again under the old name is a new robot.
    RobotRecord again =
        new RobotRecord("ci", "sha256:11", List.of(), Optional.empty(), false, T2, "");
    store.createRobot(again);
    assertThat(store.robot("ci")).contains(again);
  }

  @Test
  void robotsAreListedByName() throws IOException {
    List<String> names = List.of("z", "a-b", "a.b", "a_b", "a0", "ab", "a", "9", "a-b-c");
    for (String name : names) {
      store.createRobot(robot(name));
    }
    assertThat(store.robots())
        .extracting(RobotRecord::name)
        .containsExactlyElementsOf(names.stream().sorted().toList());
  }

  @Test
  void expiryRoundTripsPresentAndAbsent() throws IOException {
    RobotRecord never = robot("never");
    RobotRecord expiring =
        new RobotRecord(
            "expiring",
            "sha256:01",
            never.permissions(),
            Optional.of(T2),
            false,
            T0,
            "expires at T2");
    RobotRecord past =
        new RobotRecord(
            "past",
            "sha256:02",
            never.permissions(),
            Optional.of(Instant.parse("1970-01-01T00:00:01Z")),
            false,
            T0,
            "");
    RobotRecord far =
        new RobotRecord(
            "far",
            "sha256:03",
            never.permissions(),
            Optional.of(Instant.parse("9999-12-31T23:59:59Z")),
            false,
            T0,
            "");
    for (RobotRecord r : List.of(never, expiring, past, far)) {
      store.createRobot(r);
      assertThat(store.robot(r.name())).contains(r);
    }
    assertThat(store.robot("expiring").orElseThrow().activeAt(T1)).isTrue();
    assertThat(store.robot("expiring").orElseThrow().activeAt(T2)).isFalse();

    RobotRecord nowNever =
        new RobotRecord(
            "expiring", "sha256:01", never.permissions(), Optional.empty(), false, T1, "");
    store.updateRobot(nowNever);
    assertThat(store.robot("expiring").orElseThrow().expiresAt()).isEmpty();
    store.updateRobot(expiring);
    assertThat(store.robot("expiring")).contains(expiring);
    assertThat(store.robots()).containsExactly(expiring, far, never, past);
  }

  @Test
  void permissionsRoundTripExactlyInTheirOrder() throws IOException {
    List<RobotPermission> permissions =
        List.of(
            new RobotPermission("team-b", EnumSet.of(RobotAction.PUSH)),
            new RobotPermission(RobotPermission.ALL_PROJECTS, EnumSet.allOf(RobotAction.class)),
            new RobotPermission("library", EnumSet.of(RobotAction.LIST, RobotAction.PULL)),
            new RobotPermission("a.b_c-d", EnumSet.of(RobotAction.DELETE)),
            new RobotPermission("library", EnumSet.of(RobotAction.PUSH, RobotAction.DELETE)));
    RobotRecord many =
        new RobotRecord("many", "sha256:04", permissions, Optional.empty(), false, T0, "");
    RobotRecord none =
        new RobotRecord("none", "sha256:05", List.of(), Optional.empty(), false, T0, "");
    RobotRecord everything =
        new RobotRecord(
            "everything",
            "sha256:06",
            List.of(
                new RobotPermission(
                    RobotPermission.ALL_PROJECTS, EnumSet.allOf(RobotAction.class))),
            Optional.empty(),
            false,
            T0,
            "");
    for (RobotRecord r : List.of(many, none, everything)) {
      store.createRobot(r);
      assertThat(store.robot(r.name())).contains(r);
    }
    for (RobotAction action : RobotAction.values()) {
      RobotRecord single =
          new RobotRecord(
              "none",
              "sha256:05",
              List.of(new RobotPermission("p", EnumSet.of(action))),
              Optional.empty(),
              false,
              T0,
              "");
      store.updateRobot(single);
      assertThat(store.robot("none")).contains(single);
    }
    assertThat(store.robot("many").orElseThrow().permissions())
        .containsExactlyElementsOf(permissions);
  }

  // ---------------------------------------------------------------------------------------------
  // The revision

  @Test
  void everySuccessfulWriteMovesTheRevisionToANewValue() throws IOException {
    List<Long> seen = new ArrayList<>();
    seen.add(store.revision());
    List<Write> writes =
        List.of(
            () -> assertThat(store.putProject(project("library"))).isTrue(),
            () -> assertThat(store.putProject(project("library"))).isFalse(),
            () -> store.putProject(new ProjectRecord("library", true, T1)),
            () -> store.putMember(member("library", ALICE, ProjectRole.GUEST)),
            () -> store.putMember(member("library", ALICE, ProjectRole.DEVELOPER)),
            () -> store.putMember(member("library", DEVS, ProjectRole.DEVELOPER)),
            () -> assertThat(store.removeMember("library", ALICE)).isTrue(),
            () -> store.createRobot(robot("ci")),
            () -> assertThat(store.updateRobot(robot("ci"))).isTrue(),
            () -> assertThat(store.deleteRobot("ci")).isTrue(),
            () -> store.createRobot(robot("ci")),
            () -> assertThat(store.deleteProject("library")).isTrue(),
            () -> assertThat(store.putProject(project("library"))).isTrue());
    for (Write write : writes) {
      long before = store.revision();
      write.run();
      long after = store.revision();
      assertThat(after).as("revision after write %s", seen.size()).isNotEqualTo(before);
      assertThat(seen).as("a revision is never seen again").doesNotContain(after);
      seen.add(after);
    }
  }

  @Test
  void readsAndRefusedOrNoOpWritesKeepTheRevision() throws IOException {
    given(member("library", ALICE, ProjectRole.GUEST));
    store.createRobot(robot("ci"));
    long revision = store.revision();

    store.project("library");
    store.projects();
    store.members();
    store.members("library");
    store.robot("ci");
    store.robots();
    assertThat(store.revision()).isEqualTo(revision);

    assertThat(store.deleteProject("missing")).isFalse();
    assertThat(store.removeMember("library", BOB)).isFalse();
    assertThat(store.removeMember("missing", ALICE)).isFalse();
    assertThat(store.updateRobot(robot("missing"))).isFalse();
    assertThat(store.deleteRobot("missing")).isFalse();
    assertThatThrownBy(() -> store.putMember(member("missing", ALICE, ProjectRole.GUEST)))
        .isInstanceOf(UnknownProjectException.class);
    assertThatThrownBy(() -> store.createRobot(robot("ci")))
        .isInstanceOf(DuplicateRobotException.class);
    assertThat(store.revision()).isEqualTo(revision);
  }

  @FunctionalInterface
  private interface Write {
    void run() throws IOException;
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrency

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void concurrentWritersLoseNothing() throws Exception {
    int threads = 4;
    int rounds = 8;
    store.putProject(project("shared"));
    store.createRobot(robot("shared"));
    List<Concurrently.Rounds<Long>> tasks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int t = i;
      tasks.add(
          j -> {
            store.putMember(member("shared", Principal.user("u" + t + "-" + j), role(t + j)));
            store.putProject(project("p" + t + "-" + j));
            store.putMember(member("p" + t + "-" + j, Principal.group("g" + t), role(j)));
            store.createRobot(robot("r" + t + "-" + j));
            store.updateRobot(
                new RobotRecord(
                    "shared",
                    "sha256:0" + t,
                    List.of(),
                    Optional.empty(),
                    false,
                    T1,
                    "updated by " + t));
            return store.revision();
          });
    }
    Concurrently.run(tasks, rounds);

    List<ProjectMember> shared = new ArrayList<>();
    List<ProjectMember> all = new ArrayList<>();
    List<String> robots = new ArrayList<>(List.of("shared"));
    List<String> projects = new ArrayList<>(List.of("shared"));
    for (int t = 0; t < threads; t++) {
      for (int j = 0; j < rounds; j++) {
        shared.add(member("shared", Principal.user("u" + t + "-" + j), role(t + j)));
        all.add(member("p" + t + "-" + j, Principal.group("g" + t), role(j)));
        robots.add("r" + t + "-" + j);
        projects.add("p" + t + "-" + j);
      }
    }
    shared.sort(Comparator.comparing(ProjectMember::principal));
    all.addAll(shared);
    all.sort(Comparator.comparing(ProjectMember::project).thenComparing(ProjectMember::principal));
    assertThat(store.members("shared")).containsExactlyElementsOf(shared);
    assertThat(store.members()).containsExactlyElementsOf(all);
    assertThat(store.projects())
        .extracting(ProjectRecord::name)
        .containsExactlyElementsOf(projects.stream().sorted().toList());
    assertThat(store.robots())
        .extracting(RobotRecord::name)
        .containsExactlyElementsOf(robots.stream().sorted().toList());
    RobotRecord last = store.robot("shared").orElseThrow();
    assertThat(last.created()).isEqualTo(T0);
    assertThat(last.description()).startsWith("updated by ");
    assertThat(last.secretHash()).isEqualTo("sha256:0" + last.description().substring(11));
  }

  private static ProjectRole role(int i) {
    return ProjectRole.values()[i % ProjectRole.values().length];
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void concurrentCreatesOfOneProjectOrRobotSucceedOnce() throws Exception {
    int threads = 4;
    int rounds = 6;
    List<Concurrently.Rounds<String>> tasks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int t = i;
      tasks.add(
          j -> {
            boolean created =
                store.putProject(new ProjectRecord("p" + j, t % 2 == 0, T0.plusSeconds(t)));
            String robot;
            try {
              store.createRobot(
                  new RobotRecord(
                      "r" + j, "sha256:0" + t, List.of(), Optional.empty(), false, T0, "by " + t));
              robot = "robot by " + t;
            } catch (DuplicateRobotException e) {
              robot = "duplicate";
            }
            return (created ? "project by " + t : "updated") + ", " + robot;
          });
    }
    List<List<String>> results = Concurrently.run(tasks, rounds);
    for (int j = 0; j < rounds; j++) {
      List<String> projectCreators = new ArrayList<>();
      List<String> robotCreators = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String result = results.get(t).get(j);
        if (result.startsWith("project by ")) {
          projectCreators.add(String.valueOf(t));
        }
        if (result.endsWith("robot by " + t)) {
          robotCreators.add(String.valueOf(t));
        }
      }
      assertThat(projectCreators).as("round %s: who created the project", j).hasSize(1);
      assertThat(robotCreators).as("round %s: who created the robot", j).hasSize(1);
      int projectCreator = Integer.parseInt(projectCreators.get(0));
      assertThat(store.project("p" + j).orElseThrow().created())
          .isEqualTo(T0.plusSeconds(projectCreator));
      assertThat(store.robot("r" + j).orElseThrow().description())
          .isEqualTo("by " + robotCreators.get(0));
    }
    assertThat(store.projects()).hasSize(rounds);
    assertThat(store.robots()).hasSize(rounds);
  }

  // ---------------------------------------------------------------------------------------------
  // Names and text are data

  @Test
  void freeTextAndPrincipalNamesAreKeptAsData() throws IOException {
    store.putProject(project("library"));
    List<Principal> principals =
        List.of(
            Principal.user("o'brien"),
            Principal.user("\"; DROP TABLE project_members; --"),
            Principal.user("a%"),
            Principal.user("_"),
            Principal.user("back\\slash"),
            Principal.user(" padded "),
            Principal.group("cn=Dev Ops,ou=Groups,dc=example,dc=com"),
            Principal.group("Ünïcødé 漢字 😀"),
            Principal.group("https://idp.example.com/groups/42?x=1&y='2'"));
    List<ProjectMember> expected = new ArrayList<>();
    for (Principal p : principals) {
      ProjectMember m = member("library", p, ProjectRole.DEVELOPER);
      store.putMember(m);
      expected.add(m);
    }
    expected.sort(Comparator.comparing(ProjectMember::principal));
    assertThat(store.members("library")).containsExactlyElementsOf(expected);

    // Wildcards and quotes are matched literally.
    assertThat(store.removeMember("library", Principal.user("%"))).isFalse();
    assertThat(store.removeMember("library", Principal.user("a_"))).isFalse();
    assertThat(store.removeMember("library", Principal.user("padded"))).isFalse();
    assertThat(store.removeMember("library", Principal.user("a%"))).isTrue();
    assertThat(store.removeMember("library", Principal.user("o'brien"))).isTrue();
    assertThat(store.members("library")).hasSize(principals.size() - 2);

    String text =
        "it's \"quoted\"; DROP TABLE robots; --\nsecond line\ttab, ünïcødé 漢字 😀 \\ %_ \u007f"
            + " \u2028 \ufeff end";
    RobotRecord robot =
        new RobotRecord(
            "ci",
            "$2y$10$" + "./AZaz09".repeat(6) + "'\"",
            List.of(),
            Optional.empty(),
            false,
            T0,
            text);
    store.createRobot(robot);
    assertThat(store.robot("ci")).contains(robot);
    assertThat(store.robot("ci").orElseThrow().description()).isEqualTo(text);
    assertThat(store.robot("ci").orElseThrow().secretHash()).isEqualTo(robot.secretHash());
  }

  @Test
  void theLongestValuesTheRecordsAllowRoundTrip() throws IOException {
    String project = "a".repeat(254) + "z";
    store.putProject(project(project));
    Principal user = Principal.user("é".repeat(255) + "x");
    Principal group = Principal.group("😀".repeat(128));
    store.putMember(member(project, user, ProjectRole.LIMITED_GUEST));
    store.putMember(member(project, group, ProjectRole.MAINTAINER));
    RobotRecord robot =
        new RobotRecord(
            "r".repeat(128),
            "h".repeat(512),
            List.of(new RobotPermission(project, EnumSet.allOf(RobotAction.class))),
            Optional.of(T2),
            true,
            T0,
            "😀".repeat(512));
    store.createRobot(robot);

    assertThat(store.project(project)).contains(project(project));
    assertThat(store.members(project))
        .containsExactly(
            member(project, user, ProjectRole.LIMITED_GUEST),
            member(project, group, ProjectRole.MAINTAINER));
    assertThat(store.robot(robot.name())).contains(robot);
  }

  @Test
  void namesThatCannotExistAreLookedUpAsData() throws IOException {
    given(member("library", ALICE, ProjectRole.GUEST));
    store.createRobot(robot("ci"));
    long revision = store.revision();
    for (String name :
        List.of("", "%", "_", "*", "' OR '1'='1", "library'; --", "ci\" OR 1=1", "LIBRARY", "C_")) {
      assertThat(store.project(name)).isEmpty();
      assertThat(store.members(name)).isEmpty();
      assertThat(store.robot(name)).isEmpty();
      assertThat(store.deleteProject(name)).isFalse();
      assertThat(store.deleteRobot(name)).isFalse();
      assertThat(store.removeMember(name, ALICE)).isFalse();
    }
    assertThat(store.projects()).containsExactly(project("library"));
    assertThat(store.members()).containsExactly(member("library", ALICE, ProjectRole.GUEST));
    assertThat(store.robots()).containsExactly(robot("ci"));
    assertThat(store.revision()).isEqualTo(revision);
  }

  @Test
  void listsAreSnapshotsThatLaterWritesLeaveAlone() throws IOException {
    given(member("library", ALICE, ProjectRole.GUEST));
    store.createRobot(robot("ci"));
    List<ProjectRecord> projects = store.projects();
    List<ProjectMember> members = store.members();
    List<ProjectMember> libraryMembers = store.members("library");
    List<RobotRecord> robots = store.robots();

    store.putProject(project("other"));
    store.putMember(member("library", BOB, ProjectRole.GUEST));
    store.createRobot(robot("deploy"));
    store.deleteRobot("ci");

    assertThat(projects).containsExactly(project("library"));
    assertThat(members).containsExactly(member("library", ALICE, ProjectRole.GUEST));
    assertThat(libraryMembers).containsExactly(member("library", ALICE, ProjectRole.GUEST));
    assertThat(robots).containsExactly(robot("ci"));
  }
}
