package io.wharf.oci.storage.access;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Projects, project members and robot accounts, kept beside the registry's metadata (in SQLite or
 * PostgreSQL for the JDBC store) so that they survive restarts and are shared by every node.
 * Implementations are thread-safe and each method is atomic.
 *
 * <p>Reads are meant to be cached by their callers: {@link #revision()} changes with every write,
 * so an authorizer can keep a snapshot of {@link #projects()} and {@link #members()} and reload it
 * only when the revision moved (also when another node wrote it).
 */
public interface AccessStore {

  /**
   * A number that changes with every successful write to this store (on any node sharing it): a
   * cache of earlier reads is current while the revision is the same. Cheap to read.
   */
  long revision() throws IOException;

  /** The project named {@code name}. */
  Optional<ProjectRecord> project(String name) throws IOException;

  /** Every project, by name. */
  List<ProjectRecord> projects() throws IOException;

  /**
   * Creates {@code project}, or updates its {@code isPublic} flag when it exists (its creation time
   * stays).
   *
   * @return whether it was created
   */
  boolean putProject(ProjectRecord project) throws IOException;

  /**
   * Deletes the project named {@code name} with its members. Its repositories and robot permissions
   * are not touched.
   *
   * @return whether it existed
   */
  boolean deleteProject(String name) throws IOException;

  /** Every membership of every project, by project then principal. */
  List<ProjectMember> members() throws IOException;

  /** The members of project {@code project}, by principal. */
  List<ProjectMember> members(String project) throws IOException;

  /**
   * Adds {@code member} to its project, or changes its role when the principal is a member already.
   *
   * @throws UnknownProjectException when the project does not exist
   */
  void putMember(ProjectMember member) throws IOException;

  /**
   * Removes {@code principal} from {@code project}.
   *
   * @return whether it was a member
   */
  boolean removeMember(String project, Principal principal) throws IOException;

  /**
   * Creates robot account {@code robot}.
   *
   * @throws DuplicateRobotException when a robot of that name exists
   */
  void createRobot(RobotRecord robot) throws IOException;

  /**
   * Replaces the robot of the same name (its secret hash, permissions, expiry, disabled flag,
   * description; the creation time stays).
   *
   * @return whether it existed (nothing is created otherwise)
   */
  boolean updateRobot(RobotRecord robot) throws IOException;

  /** The robot named {@code name}. */
  Optional<RobotRecord> robot(String name) throws IOException;

  /** Every robot, by name. */
  List<RobotRecord> robots() throws IOException;

  /**
   * Deletes the robot named {@code name}.
   *
   * @return whether it existed
   */
  boolean deleteRobot(String name) throws IOException;
}
