package io.wharf.oci.auth;

import static io.wharf.oci.auth.TestAccess.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.model.testing.OciGenerators;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectMember;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.UnknownProjectException;
import io.wharf.oci.storage.memory.InMemoryAccessStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The management API: projects, members, seeding, and what it refuses. */
class ProjectsTest {

  private final InMemoryAccessStore store = new InMemoryAccessStore();
  private final MutableClock clock = new MutableClock(T0);
  private final AtomicInteger changes = new AtomicInteger();
  private final Projects projects =
      Projects.builder(store).clock(clock).onChange(changes::incrementAndGet).build();

  @Test
  void createsListsMakesPublicAndDeletesProjects() throws IOException {
    assertThat(projects.create("team", false)).isEqualTo(new ProjectRecord("team", false, T0));
    clock.advance(Duration.ofHours(1));
    projects.create("lib", true);
    assertThat(projects.list()).extracting(ProjectRecord::name).containsExactly("lib", "team");

    assertThat(projects.setPublic("team", true)).isEqualTo(new ProjectRecord("team", true, T0));
    assertThat(projects.get("team")).contains(new ProjectRecord("team", true, T0));
    assertThat(projects.delete("team")).isTrue();
    assertThat(projects.delete("team")).isFalse();
    assertThat(projects.get("team")).isEmpty();
    assertThat(changes.get()).as("every write is announced").isEqualTo(5);
  }

  @Test
  void aProjectIsCreatedOnce() throws IOException {
    projects.create("team", false);
    assertThatThrownBy(() -> projects.create("team", true))
        .isInstanceOf(ProjectExistsException.class)
        .hasMessage("project team exists");
    assertThat(projects.get("team").orElseThrow().isPublic()).isFalse();
  }

  @Test
  void badNamesAreRefusedWithTheRule() {
    for (String bad : List.of("Team", "team/app", "..", "%2e", "", "-team", "a".repeat(256))) {
      assertThatThrownBy(() -> projects.create(bad, false))
          .as(bad)
          .isInstanceOf(InvalidNameException.class)
          .hasMessageContaining("is not a project name: a project name is one repository path");
    }
    assertThatThrownBy(() -> projects.get("a\nb"))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageStartingWith("'a?b' is not a project name");
    assertThatThrownBy(() -> ProjectSpec.of("UPPER", false))
        .isInstanceOf(InvalidNameException.class);
    assertThat(changes.get()).isZero();
  }

  @Test
  void theNameCheckAcceptsExactlyRepositoryPathComponents() {
    qt().forAll(OciGenerators.pathComponents())
        .checkAssert(name -> assertThat(Projects.checkProjectName(name)).isEqualTo(name));
    qt().forAll(OciGenerators.anyStrings(0, 40))
        .assuming(s -> !s.matches("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"))
        .checkAssert(
            s ->
                assertThatThrownBy(() -> Projects.checkProjectName(s))
                    .isInstanceOf(InvalidNameException.class));
  }

  @Test
  void membersAreAddedChangedAndRemoved() throws IOException {
    projects.create("team", false);
    Principal alice = Principal.user("alice");
    Principal devs = Principal.group("devs");

    assertThat(projects.putMember("team", alice, ProjectRole.GUEST)).isEmpty();
    assertThat(projects.putMember("team", devs, ProjectRole.DEVELOPER)).isEmpty();
    assertThat(projects.putMember("team", alice, ProjectRole.MAINTAINER))
        .contains(ProjectRole.GUEST);
    int before = changes.get();
    assertThat(projects.putMember("team", alice, ProjectRole.MAINTAINER))
        .contains(ProjectRole.MAINTAINER);
    assertThat(changes.get()).as("the same role again writes nothing").isEqualTo(before);
    assertThat(projects.members("team"))
        .containsExactly(
            new ProjectMember("team", alice, ProjectRole.MAINTAINER),
            new ProjectMember("team", devs, ProjectRole.DEVELOPER));

    assertThat(projects.removeMember("team", devs)).isTrue();
    assertThat(projects.removeMember("team", devs)).isFalse();
    assertThat(projects.members("team"))
        .extracting(ProjectMember::principal)
        .containsExactly(alice);
  }

  @Test
  void membershipsOfAProjectThatDoesNotExistAreRefused() {
    Principal alice = Principal.user("alice");
    assertThatThrownBy(() -> projects.putMember("ghost", alice, ProjectRole.GUEST))
        .isInstanceOf(UnknownProjectException.class)
        .hasMessage("project ghost does not exist");
    assertThatThrownBy(() -> projects.removeMember("ghost", alice))
        .isInstanceOf(UnknownProjectException.class);
    assertThatThrownBy(() -> projects.members("ghost")).isInstanceOf(UnknownProjectException.class);
    assertThatThrownBy(() -> projects.setPublic("ghost", true))
        .isInstanceOf(UnknownProjectException.class);
  }

  @Test
  void deletingAProjectDropsItsMembers() throws IOException {
    projects.create("team", false);
    projects.putMember("team", Principal.user("alice"), ProjectRole.GUEST);
    projects.delete("team");
    projects.create("team", false);
    assertThat(projects.members("team")).isEmpty();
  }

  @Test
  void seedingCreatesAndUpdatesAndASecondRunWritesNothing() throws IOException {
    projects.create("lib", false);
    projects.create("kept", false);
    projects.putMember("lib", Principal.user("bob"), ProjectRole.GUEST);
    List<ProjectSpec> declared =
        List.of(
            ProjectSpec.of("lib", true).withMember(Principal.user("alice"), ProjectRole.GUEST),
            new ProjectSpec(
                "team",
                false,
                Map.of(
                    Principal.user("alice"), ProjectRole.PROJECT_ADMIN,
                    Principal.group("devs"), ProjectRole.DEVELOPER)));

    assertThat(projects.seed(declared)).isEqualTo(new Projects.SeedResult(1, 1, 3));
    long revision = store.revision();
    Projects.SeedResult again = projects.seed(declared);

    assertThat(again.changedAnything()).isFalse();
    assertThat(store.revision()).isEqualTo(revision);
    assertThat(projects.get("lib").map(ProjectRecord::isPublic)).contains(true);
    assertThat(projects.members("lib"))
        .as("seeding adds; it removes no one")
        .extracting(ProjectMember::principal)
        .containsExactly(Principal.user("alice"), Principal.user("bob"));
    assertThat(projects.get("kept")).isPresent();
    assertThat(projects.members("team")).hasSize(2);
  }

  @Test
  void aSeedThatDeclaresAProjectTwiceWritesNothing() throws IOException {
    List<ProjectSpec> twice = List.of(ProjectSpec.of("a", false), ProjectSpec.of("a", true));
    assertThatThrownBy(() -> projects.seed(twice))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("project a is declared twice");
    assertThat(projects.get("a")).isEqualTo(Optional.empty());
  }

  @Test
  void theAuthorizersProjectsShareItsStore() throws IOException {
    ProjectAuthorizer authorizer = ProjectAuthorizer.builder(store).clock(clock).build();
    authorizer.projects().create("team", true);
    assertThat(projects.get("team")).isPresent();
  }
}
