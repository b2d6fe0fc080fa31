package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.DuplicateRobotException;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectMember;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.RobotRecord;
import io.wharf.oci.storage.access.UnknownProjectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** Access control's records in memory, behind one lock: for tests and throw-away registries. */
public final class InMemoryAccessStore implements AccessStore {

  private final NavigableMap<String, ProjectRecord> projects = new TreeMap<>();
  private final NavigableMap<String, NavigableMap<Principal, ProjectMember>> members =
      new TreeMap<>();
  private final NavigableMap<String, RobotRecord> robots = new TreeMap<>();
  private long revision;

  /** An empty store. */
  public InMemoryAccessStore() {}

  @Override
  public synchronized long revision() {
    return revision;
  }

  @Override
  public synchronized Optional<ProjectRecord> project(String name) {
    return Optional.ofNullable(projects.get(name));
  }

  @Override
  public synchronized List<ProjectRecord> projects() {
    return List.copyOf(projects.values());
  }

  @Override
  public synchronized boolean putProject(ProjectRecord project) {
    ProjectRecord old = projects.get(project.name());
    revision++;
    if (old == null) {
      projects.put(project.name(), project);
      return true;
    }
    projects.put(project.name(), new ProjectRecord(old.name(), project.isPublic(), old.created()));
    return false;
  }

  @Override
  public synchronized boolean deleteProject(String name) {
    members.remove(name);
    boolean existed = projects.remove(name) != null;
    if (existed) {
      revision++;
    }
    return existed;
  }

  @Override
  public synchronized List<ProjectMember> members() {
    List<ProjectMember> all = new ArrayList<>();
    for (Map<Principal, ProjectMember> m : members.values()) {
      all.addAll(m.values());
    }
    return List.copyOf(all);
  }

  @Override
  public synchronized List<ProjectMember> members(String project) {
    var m = members.get(project);
    return m == null ? List.of() : List.copyOf(m.values());
  }

  @Override
  public synchronized void putMember(ProjectMember member) {
    if (!projects.containsKey(member.project())) {
      throw new UnknownProjectException(member.project());
    }
    members.computeIfAbsent(member.project(), p -> new TreeMap<>()).put(member.principal(), member);
    revision++;
  }

  @Override
  public synchronized boolean removeMember(String project, Principal principal) {
    var m = members.get(project);
    boolean existed = m != null && m.remove(principal) != null;
    if (existed) {
      revision++;
    }
    return existed;
  }

  @Override
  public synchronized void createRobot(RobotRecord robot) {
    if (robots.containsKey(robot.name())) {
      throw new DuplicateRobotException(robot.name());
    }
    robots.put(robot.name(), robot);
    revision++;
  }

  @Override
  public synchronized boolean updateRobot(RobotRecord robot) {
    RobotRecord old = robots.get(robot.name());
    if (old == null) {
      return false;
    }
    robots.put(
        robot.name(),
        new RobotRecord(
            robot.name(),
            robot.secretHash(),
            robot.permissions(),
            robot.expiresAt(),
            robot.disabled(),
            old.created(),
            robot.description()));
    revision++;
    return true;
  }

  @Override
  public synchronized Optional<RobotRecord> robot(String name) {
    return Optional.ofNullable(robots.get(name));
  }

  @Override
  public synchronized List<RobotRecord> robots() {
    return List.copyOf(robots.values());
  }

  @Override
  public synchronized boolean deleteRobot(String name) {
    boolean existed = robots.remove(name) != null;
    if (existed) {
      revision++;
    }
    return existed;
  }
}
