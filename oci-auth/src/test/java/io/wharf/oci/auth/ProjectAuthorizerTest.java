package io.wharf.oci.auth;

import static io.wharf.oci.auth.TestAccess.T0;
import static io.wharf.oci.auth.TestAccess.permission;
import static io.wharf.oci.auth.TestAccess.robot;
import static io.wharf.oci.auth.TestAccess.robotRecord;
import static io.wharf.oci.auth.TestAccess.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.model.testing.OciGenerators;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.Identity;
import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import io.wharf.oci.storage.access.RobotRecord;
import io.wharf.oci.storage.memory.InMemoryAccessStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decisions of {@link ProjectAuthorizer}, their reasons, and what it reads when. */
class ProjectAuthorizerTest {

  private final CountingAccessStore counting = new CountingAccessStore();
  private final AccessStore store = counting.store;
  private final MutableClock clock = new MutableClock(T0);
  private final ProjectAuthorizer authorizer =
      ProjectAuthorizer.builder(store).systemAdmin("root").clock(clock).build();
  private final Projects projects = authorizer.projects();

  private static final RepositoryName TEAM_APP = RepositoryName.of("team/app");

  private Decision decide(Identity identity, Access access) throws IOException {
    return authorizer.authorize(identity, access);
  }

  @Test
  void aGuestPushingIsToldWhichRoleItNeeds() throws IOException {
    projects.create("team", false);
    projects.putMember("team", Principal.user("alice"), ProjectRole.GUEST);

    Decision push = decide(user("alice"), Access.push(TEAM_APP));

    assertThat(push.reasons())
        .containsExactly(
            "user alice has role guest in project team; pushing needs role developer or higher:"
                + " ask an administrator of project team");
    assertThat(decide(user("alice"), Access.pull(TEAM_APP)).allowed()).isTrue();
  }

  @Test
  void theStrongestOfTheUsersAndItsGroupsRolesWinsAndTheReasonNamesTheGroup() throws IOException {
    projects.create("team", false);
    projects.putMember("team", Principal.user("alice"), ProjectRole.LIMITED_GUEST);
    projects.putMember("team", Principal.group("devs"), ProjectRole.DEVELOPER);
    projects.putMember("team", Principal.group("readers"), ProjectRole.GUEST);
    Identity alice = user("alice", "readers", "devs");

    assertThat(decide(alice, Access.push(TEAM_APP)).allowed()).isTrue();
    assertThat(decide(alice, Access.delete(TEAM_APP)).reasons())
        .singleElement()
        .asString()
        .startsWith("user alice has role developer in project team (through group devs);")
        .contains("deleting needs role maintainer or higher");
    assertThat(decide(user("alice"), Access.push(TEAM_APP)).reasons())
        .singleElement()
        .asString()
        .startsWith("user alice has role limitedGuest in project team;");
  }

  @Test
  void aGroupBindingDoesNotMatchAUserOfThatNameNorTheOtherWayRound() throws IOException {
    projects.create("team", false);
    projects.putMember("team", Principal.group("alice"), ProjectRole.MAINTAINER);
    projects.putMember("team", Principal.user("devs"), ProjectRole.MAINTAINER);

    assertThat(decide(user("alice"), Access.pull(TEAM_APP)).allowed()).isFalse();
    assertThat(decide(user("bob", "devs"), Access.pull(TEAM_APP)).allowed()).isFalse();
    assertThat(decide(user("bob", "alice"), Access.delete(TEAM_APP)).allowed()).isTrue();
  }

  @Test
  void aPublicProjectLetsAnyonePullAndNoOneElseWrite() throws IOException {
    projects.create("lib", true);
    RepositoryName repo = RepositoryName.of("lib/tools/jq");

    assertThat(decide(Identity.ANONYMOUS, Access.pull(repo)).allowed()).isTrue();
    assertThat(decide(user("carol"), Access.pull(repo)).allowed()).isTrue();
    assertThat(decide(Identity.ANONYMOUS, Access.push(repo)).reasons())
        .containsExactly(
            "anonymous callers may only pull from public project lib; pushing lib/tools/jq needs"
                + " a login with role developer or higher in it");
    assertThat(decide(user("carol"), Access.delete(repo)).reasons())
        .containsExactly(
            "user carol is not a member of project lib (a public project: anyone may pull);"
                + " deleting needs role maintainer or higher: ask an administrator of project lib");
  }

  @Test
  void aProjectIsTheWholeFirstPathComponentNotAPrefix() throws IOException {
    projects.create("team", false);
    projects.create("team-evil", false);
    projects.putMember("team", Principal.user("alice"), ProjectRole.PROJECT_ADMIN);
    projects.putMember("team-evil", Principal.user("mallory"), ProjectRole.PROJECT_ADMIN);

    for (String other : new String[] {"team-evil/app", "teamx/app", "team.x/app", "x/team/app"}) {
      assertThat(decide(user("alice"), Access.pull(RepositoryName.of(other))).allowed())
          .as(other)
          .isFalse();
    }
    assertThat(decide(user("mallory"), Access.pull(TEAM_APP)).allowed()).isFalse();
    assertThat(decide(user("alice"), Access.push(RepositoryName.of("team/a/b/c"))).allowed())
        .isTrue();
  }

  @Test
  void pushingToAProjectThatDoesNotExistIsForSystemAdministratorsAndEveryProjectRobots()
      throws IOException {
    store.createRobot(robotRecord("ci", permission("*", RobotAction.PUSH)));
    store.createRobot(robotRecord("one", permission("new", RobotAction.PUSH)));
    RepositoryName repo = RepositoryName.of("new/app");

    assertThat(decide(user("alice"), Access.push(repo)).reasons())
        .containsExactly(
            "project new does not exist: pushing does not create projects; a system administrator"
                + " creates project new before anyone can push to new/app");
    assertThat(decide(user("root"), Access.push(repo)).allowed()).isTrue();
    assertThat(decide(robot("ci"), Access.push(repo)).allowed()).isTrue();
    assertThat(decide(robot("one"), Access.push(repo)).allowed()).isFalse();
    assertThat(projects.get("new")).isEmpty();
  }

  @Test
  void systemAdministratorsByGroupMayDoEverythingButRobotsNeverAre() throws IOException {
    ProjectAuthorizer byGroup =
        authorizer.toBuilder().systemAdminGroup("ops").systemAdmin("robot$ci").build();
    store.createRobot(robotRecord("ci", permission("team", RobotAction.PULL)));
    projects.create("team", false);

    assertThat(byGroup.authorize(user("olga", "ops"), Access.delete(TEAM_APP)).allowed()).isTrue();
    assertThat(byGroup.authorize(user("olga", "ops-team"), Access.pull(TEAM_APP)).allowed())
        .isFalse();
    assertThat(byGroup.authorize(robot("ci"), Access.push(TEAM_APP)).allowed()).isFalse();
    assertThat(byGroup.isSystemAdministrator(user("olga", "ops"))).isTrue();
    assertThat(byGroup.isSystemAdministrator(user("root"))).isTrue();
    assertThat(byGroup.isSystemAdministrator(user("olga", "ops-team"))).isFalse();
    assertThat(byGroup.isSystemAdministrator(robot("ci"))).isFalse();
    assertThat(byGroup.isSystemAdministrator(io.wharf.oci.server.Identity.ANONYMOUS)).isFalse();
  }

  @Test
  void aRobotGetsExactlyItsPermissionsAndPublicPulls() throws IOException {
    projects.create("team", false);
    projects.create("lib", true);
    store.createRobot(robotRecord("ci", permission("team", RobotAction.PULL, RobotAction.PUSH)));

    assertThat(decide(robot("ci"), Access.push(TEAM_APP)).allowed()).isTrue();
    assertThat(decide(robot("ci"), Access.delete(TEAM_APP)).reasons())
        .containsExactly(
            "robot account ci may only pull, push in project team; deleting needs its delete"
                + " permission there");
    assertThat(decide(robot("ci"), Access.pull(RepositoryName.of("lib/x"))).allowed()).isTrue();
    assertThat(decide(robot("ci"), Access.push(RepositoryName.of("lib/x"))).reasons())
        .containsExactly(
            "robot account ci has no permission in project lib; pushing needs its push permission"
                + " there");
    assertThat(decide(robot("ci"), Access.catalog()).allowed()).isFalse();
    assertThat(decide(robot("ci"), Access.login()).allowed()).isTrue();
  }

  @Test
  void aUserWhoseNameLooksLikeARobotIsAUserAndARobotWithoutThePrefixIsRefused() throws IOException {
    projects.create("team", false);
    store.createRobot(robotRecord("ci", permission("team", RobotAction.PULL)));

    assertThat(decide(user("robot$ci"), Access.pull(TEAM_APP)).allowed()).isFalse();
    Identity impostor =
        Identity.named("ci").withAttributes(Map.of("kind", "robot", "source", "robot"));
    assertThat(decide(impostor, Access.pull(TEAM_APP)).reasons())
        .containsExactly("identity ci is a robot account whose name lacks the robot$ prefix");
  }

  @Test
  void aDisabledRobotIsRefusedOnceTheSnapshotIsReloadedWithinOneInterval() throws IOException {
    projects.create("team", false);
    RobotRecord ci = robotRecord("ci", permission("team", RobotAction.PULL));
    store.createRobot(ci);
    assertThat(decide(robot("ci"), Access.pull(TEAM_APP)).allowed()).isTrue();

    // Disabled by another node: this one sees it after at most one refresh interval.
    store.updateRobot(TestAccess.disabled(ci));
    assertThat(decide(robot("ci"), Access.pull(TEAM_APP)).allowed()).isTrue();
    clock.advance(ProjectAuthorizer.DEFAULT_REFRESH_INTERVAL);
    assertThat(decide(robot("ci"), Access.pull(TEAM_APP)).reasons())
        .containsExactly("robot account ci is disabled");
    assertThat(decide(robot("ci"), Access.login()).allowed()).isFalse();

    store.deleteRobot("ci");
    authorizer.invalidate();
    assertThat(decide(robot("ci"), Access.pull(TEAM_APP)).reasons())
        .containsExactly("robot account ci does not exist (any more)");
  }

  @Test
  void anExpiredRobotIsRefusedAtOnceByTheClock() throws IOException {
    projects.create("team", false);
    RobotRecord ci = robotRecord("ci", permission("team", RobotAction.PULL));
    store.createRobot(TestAccess.expiring(ci, T0.plusSeconds(10)));
    assertThat(decide(robot("ci"), Access.pull(TEAM_APP)).allowed()).isTrue();
    clock.advance(Duration.ofSeconds(10));
    assertThat(decide(robot("ci"), Access.pull(TEAM_APP)).reasons())
        .containsExactly("robot account ci expired at 2025-01-01T00:00:10Z");
  }

  @Test
  void decisionsReadNoStoreWithinAnIntervalAndReloadOnlyWhenTheRevisionMoved() throws IOException {
    projects.create("team", false);
    projects.putMember("team", Principal.user("alice"), ProjectRole.DEVELOPER);
    decide(user("alice"), Access.pull(TEAM_APP));
    int revisions = counting.revisionReads.get();
    int records = counting.recordReads.get();

    for (int i = 0; i < 1000; i++) {
      decide(user("alice"), Access.push(TEAM_APP));
      decide(Identity.ANONYMOUS, Access.pull(TEAM_APP));
    }
    assertThat(counting.revisionReads.get()).isEqualTo(revisions);
    assertThat(counting.recordReads.get()).isEqualTo(records);

    clock.advance(Duration.ofSeconds(1));
    decide(user("alice"), Access.push(TEAM_APP));
    assertThat(counting.revisionReads.get()).isEqualTo(revisions + 1);
    assertThat(counting.recordReads.get()).as("same revision: no reload").isEqualTo(records);

    counting.delegate.putMember(
        new io.wharf.oci.storage.access.ProjectMember(
            "team", Principal.user("alice"), ProjectRole.GUEST));
    clock.advance(Duration.ofSeconds(1));
    assertThat(decide(user("alice"), Access.push(TEAM_APP)).allowed()).isFalse();
    assertThat(counting.recordReads.get()).as("projects, members, robots").isEqualTo(records + 3);
  }

  @Test
  void writesThroughProjectsAreSeenByTheNextDecision() throws IOException {
    projects.create("team", false);
    assertThat(decide(user("alice"), Access.pull(TEAM_APP)).allowed()).isFalse();
    projects.putMember("team", Principal.user("alice"), ProjectRole.GUEST);
    assertThat(decide(user("alice"), Access.pull(TEAM_APP)).allowed()).isTrue();
    projects.setPublic("team", true);
    assertThat(decide(Identity.ANONYMOUS, Access.pull(TEAM_APP)).allowed()).isTrue();
    projects.delete("team");
    assertThat(decide(user("alice"), Access.pull(TEAM_APP)).reasons())
        .containsExactly("project team does not exist");
  }

  @Test
  void aStoreThatCannotBeReadFailsTheCheckingRequestAndTheNextOneTriesAgain() throws IOException {
    projects.create("team", false);
    projects.putMember("team", Principal.user("alice"), ProjectRole.GUEST);
    authorizer.refresh();
    counting.down = true;
    clock.advance(Duration.ofSeconds(1));

    assertThatThrownBy(() -> decide(user("alice"), Access.pull(TEAM_APP)))
        .isInstanceOf(IOException.class);
    assertThat(decide(user("root"), Access.pull(TEAM_APP)).allowed())
        .as("system administrators need no snapshot")
        .isTrue();
    counting.down = false;
    assertThat(decide(user("alice"), Access.pull(TEAM_APP)).allowed()).isTrue();
  }

  @Test
  void loginNeedsNothingAndTheCatalogANamedCaller() throws IOException {
    counting.down = true;
    assertThat(decide(Identity.ANONYMOUS, Access.login()).allowed()).isTrue();
    assertThat(decide(user("carol"), Access.catalog()).allowed()).isTrue();
    assertThat(decide(Identity.ANONYMOUS, Access.catalog()).reasons())
        .containsExactly("listing the repositories needs a login: log in first");
    assertThat(counting.revisionReads.get()).isZero();
  }

  @Test
  void everyRepositoryBelongsToTheProjectOfItsFirstComponent() {
    qt().withExamples(300)
        .forAll(OciGenerators.repositoryNames(), OciGenerators.pathComponents())
        .checkAssert(
            (repo, other) -> {
              InMemoryAccessStore memory = new InMemoryAccessStore();
              String project = repo.value().split("/")[0];
              memory.putProject(new ProjectRecord(project, false, T0));
              memory.putMember(
                  new io.wharf.oci.storage.access.ProjectMember(
                      project, Principal.user("alice"), ProjectRole.DEVELOPER));
              ProjectAuthorizer a = ProjectAuthorizer.builder(memory).build();
              String otherProject = other.equals(project) ? other + "x" : other;
              RepositoryName elsewhere = RepositoryName.of(otherProject + "/app");
              try {
                assertThat(a.authorize(user("alice"), Access.push(repo)).allowed()).isTrue();
                assertThat(a.authorize(user("alice"), Access.pull(elsewhere)).allowed())
                    .as("%s is not in project %s", elsewhere, project)
                    .isFalse();
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
  }

  @Test
  void builderRefusesBadNamesAndIntervals() {
    var builder = ProjectAuthorizer.builder(store);
    assertThatThrownBy(() -> builder.systemAdmin("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.systemAdminGroups(Set.of("a\nb")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.refreshInterval(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(authorizer.toString()).contains("1 users").doesNotContain("root");
  }
}
