package io.wharf.oci.auth;

import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectMember;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import io.wharf.oci.storage.access.RobotRecord;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Projects, members and robots as read from an {@link AccessStore} at one {@link #revision()},
 * arranged for the lookups {@link ProjectAuthorizer} makes on every request: hash maps only, no
 * I/O.
 */
final class AccessSnapshot {

  /** A project with its members' roles, by user and by group name. */
  record ProjectView(
      String name,
      boolean isPublic,
      Map<String, ProjectRole> users,
      Map<String, ProjectRole> groups) {}

  /**
   * A robot account with its permissions gathered per project.
   *
   * @param everywhere the actions of its {@code *} permissions
   * @param lists whether any permission includes {@link RobotAction#LIST}
   */
  record RobotView(
      RobotRecord record,
      Map<String, Set<RobotAction>> byProject,
      Set<RobotAction> everywhere,
      boolean lists) {

    /** What it may do in {@code project}, counting the {@code *} permissions only when asked. */
    Set<RobotAction> actionsIn(String project, boolean projectExists) {
      Set<RobotAction> own = projectExists ? byProject.get(project) : null;
      if (own == null) {
        return everywhere;
      }
      if (everywhere.isEmpty()) {
        return own;
      }
      EnumSet<RobotAction> all = EnumSet.copyOf(own);
      all.addAll(everywhere);
      return all;
    }
  }

  private final long revision;
  private final Map<String, ProjectView> projects;
  private final Map<String, RobotView> robots;

  private AccessSnapshot(
      long revision, Map<String, ProjectView> projects, Map<String, RobotView> robots) {
    this.revision = revision;
    this.projects = projects;
    this.robots = robots;
  }

  /**
   * Reads {@code store}. The revision is read first: a write that lands while the records are read
   * moves it past the one kept here, so the next check reloads.
   */
  static AccessSnapshot load(AccessStore store) throws IOException {
    long revision = store.revision();
    Map<String, Map<String, ProjectRole>> users = new HashMap<>();
    Map<String, Map<String, ProjectRole>> groups = new HashMap<>();
    for (ProjectMember m : store.members()) {
      var byName = m.principal().kind() == Principal.Kind.USER ? users : groups;
      byName.computeIfAbsent(m.project(), p -> new HashMap<>()).put(m.principal().name(), m.role());
    }
    Map<String, ProjectView> projects = new HashMap<>();
    for (ProjectRecord p : store.projects()) {
      projects.put(
          p.name(),
          new ProjectView(
              p.name(),
              p.isPublic(),
              Map.copyOf(users.getOrDefault(p.name(), Map.of())),
              Map.copyOf(groups.getOrDefault(p.name(), Map.of()))));
    }
    Map<String, RobotView> robots = new HashMap<>();
    for (RobotRecord r : store.robots()) {
      robots.put(r.name(), view(r));
    }
    return new AccessSnapshot(revision, Map.copyOf(projects), Map.copyOf(robots));
  }

  private static RobotView view(RobotRecord robot) {
    Map<String, EnumSet<RobotAction>> byProject = new HashMap<>();
    EnumSet<RobotAction> everywhere = EnumSet.noneOf(RobotAction.class);
    boolean lists = false;
    for (RobotPermission p : robot.permissions()) {
      if (RobotPermission.ALL_PROJECTS.equals(p.project())) {
        everywhere.addAll(p.actions());
      } else {
        byProject
            .computeIfAbsent(p.project(), k -> EnumSet.noneOf(RobotAction.class))
            .addAll(p.actions());
      }
      lists |= p.actions().contains(RobotAction.LIST);
    }
    Map<String, Set<RobotAction>> frozen = new HashMap<>();
    byProject.forEach((k, v) -> frozen.put(k, Collections.unmodifiableSet(v)));
    return new RobotView(robot, Map.copyOf(frozen), Collections.unmodifiableSet(everywhere), lists);
  }

  /** The store's revision when this was read. */
  long revision() {
    return revision;
  }

  /** The project named {@code name}, or null. */
  @Nullable ProjectView project(String name) {
    return projects.get(name);
  }

  /** The robot named {@code name} (without {@code robot$}), or null. */
  @Nullable RobotView robot(String name) {
    return robots.get(name);
  }
}
