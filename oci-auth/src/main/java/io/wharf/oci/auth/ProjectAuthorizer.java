package io.wharf.oci.auth;

import io.wharf.oci.auth.AccessSnapshot.ProjectView;
import io.wharf.oci.auth.AccessSnapshot.RobotView;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Action;
import io.wharf.oci.server.Authorizer;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.Identity;
import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Harbor's projects and roles as the registry's {@link Authorizer}: who may pull, push and delete
 * in which repository, from the projects, members and robot accounts kept in an {@link
 * AccessStore}.
 *
 * <h2>The rules</h2>
 *
 * <ul>
 *   <li>A repository belongs to the project named by its first path component: {@code team/app/api}
 *       to project {@code team}. Names are compared exactly, component by component: a member of
 *       {@code team} has nothing in {@code team-evil}.
 *   <li>Each member of a project has one of Harbor's roles ({@link ProjectRole}): every role may
 *       {@code pull}; {@code developer} and above may also {@code push}; {@code maintainer} and
 *       {@code projectAdmin} may also {@code delete} (Harbor's {@code rbac_role.go}; the whole
 *       matrix, and what Wharf lacks of it, is in the module's {@code PERMISSIONS.md}).
 *   <li>A member is a user (by {@link Identity#name()}) or a group (matching any of {@link
 *       Identity#groups()}, as LDAP or an OIDC claim report them); when several memberships apply,
 *       the strongest role wins.
 *   <li>Anyone, the anonymous caller included, may pull from a public project.
 *   <li>System administrators, named in the builder by user name or by group, may do everything, in
 *       every project, existing or not.
 *   <li>A robot account (an identity with attribute {@code kind=robot} named {@code robot$<name>})
 *       may do exactly what its {@link io.wharf.oci.storage.access.RobotPermission}s say, in its
 *       projects or in every project ({@code *}), and pull from public projects; and only while its
 *       record in the store is active: a robot that is disabled, expired or deleted is refused
 *       everything, even with a token issued before. Its {@code list} permission lets it list the
 *       catalog. Robots are never system administrators, whatever their name.
 *   <li>{@link Action#LOGIN} is allowed to everyone (but an inactive robot); {@link Action#CATALOG}
 *       to every named caller: the engine then lists only the repositories the caller may pull.
 *   <li><b>Pushing does not create a project</b>, as in Harbor: a repository whose project does not
 *       exist is open only to system administrators and to robots with a {@code *} permission. A
 *       system administrator creates the project first ({@link Projects#create}).
 * </ul>
 *
 * Every denial says, in words the user can act on, what is missing ("user alice has role guest in
 * project team; pushing needs role developer or higher"); no reason holds a secret.
 *
 * <h2>Cost</h2>
 *
 * {@link #authorize} is called on every request, so it reads no store: it keeps a snapshot of the
 * projects, members and robots in memory and reads {@link AccessStore#revision()} at most once per
 * {@link Builder#refreshInterval refresh interval} (default {@link #DEFAULT_REFRESH_INTERVAL}),
 * reloading the snapshot when the revision moved (also when another node wrote the store). A change
 * made through {@link #projects()}, or announced with {@link #invalidate()}, is seen by the next
 * request. Otherwise a change is seen within one interval: for that long a robot disabled on
 * another node still works. Decisions for {@link Action#LOGIN} and system administrators need no
 * snapshot at all.
 *
 * <p>Identities from a trusted external token issuer are not special here: whoever composes the
 * authorizers decides how to treat them. Thread-safe.
 */
public final class ProjectAuthorizer implements Authorizer {

  /** How often the store's revision is read by default: once a second. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);

  /** The prefix of a robot account's login name. */
  public static final String ROBOT_PREFIX = "robot$";

  private final AccessStore store;
  private final Set<String> adminUsers;
  private final Set<String> adminGroups;
  private final Clock clock;
  private final Duration refreshInterval;
  private final ReentrantLock reloading = new ReentrantLock();
  private final AtomicLong nextCheck = new AtomicLong(Long.MIN_VALUE);
  private volatile @Nullable AccessSnapshot snapshot;

  private ProjectAuthorizer(Builder b) {
    this.store = b.store;
    this.adminUsers = Set.copyOf(b.adminUsers);
    this.adminGroups = Set.copyOf(b.adminGroups);
    this.clock = b.clock;
    this.refreshInterval = b.refreshInterval;
  }

  /** A builder for an authorizer over {@code store}, with no system administrators. */
  public static Builder builder(AccessStore store) {
    return new Builder(store);
  }

  /** A builder with this authorizer's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(store);
    b.adminUsers.addAll(adminUsers);
    b.adminGroups.addAll(adminGroups);
    b.clock = clock;
    b.refreshInterval = refreshInterval;
    return b;
  }

  /**
   * The management API over the same store, whose writes this authorizer sees at the next request
   * (each write {@linkplain #invalidate() invalidates} the snapshot).
   */
  public Projects projects() {
    return Projects.builder(store).clock(clock).onChange(this::invalidate).build();
  }

  /**
   * Makes the next decision read the store's revision (and reload when it moved), instead of
   * waiting for the refresh interval: for whoever wrote the store by another way (robot accounts
   * disabled, a seed). Cheap; does no I/O itself.
   */
  public void invalidate() {
    nextCheck.set(Long.MIN_VALUE);
  }

  /**
   * Reads the store's revision now and reloads the snapshot when it moved, or loads it the first
   * time: to fail at start rather than at the first request when the store cannot be read.
   *
   * @throws IOException when the store cannot be read
   */
  public void refresh() throws IOException {
    reloading.lock();
    try {
      nextCheck.set(clock.millis() + refreshInterval.toMillis());
      AccessSnapshot current = snapshot;
      if (current == null || store.revision() != current.revision()) {
        snapshot = AccessSnapshot.load(store);
      }
    } catch (IOException | RuntimeException e) {
      nextCheck.set(Long.MIN_VALUE);
      throw e;
    } finally {
      reloading.unlock();
    }
  }

  /**
   * The snapshot to decide with: the one in memory while its interval lasts; otherwise the one
   * thread that claims the check reads the revision (others go on with the one they have).
   */
  private AccessSnapshot snapshot() throws IOException {
    AccessSnapshot current = snapshot;
    long due = nextCheck.get();
    long now = clock.millis();
    if (current != null && (now < due || !nextCheck.compareAndSet(due, Long.MAX_VALUE))) {
      return current;
    }
    refresh();
    return Objects.requireNonNull(snapshot);
  }

  /**
   * Decides {@code access} for {@code identity} by the rules above.
   *
   * @throws IOException when the snapshot is due for a reload and the store cannot be read (the
   *     engine answers 500; the next request tries again)
   */
  @Override
  public Decision authorize(Identity identity, Access access) throws IOException {
    if (isRobot(identity)) {
      return authorizeRobot(identity, access);
    }
    Action action = access.action();
    if (action == Action.LOGIN || isSystemAdmin(identity)) {
      return Decision.allow();
    }
    if (action == Action.CATALOG) {
      return identity.isAnonymous()
          ? Decision.deny("listing the repositories needs a login: log in first")
          : Decision.allow();
    }
    RepositoryName repository = access.repository().orElseThrow();
    String projectName = projectOf(repository);
    ProjectView project = snapshot().project(projectName);
    if (project == null) {
      return noSuchProject(projectName, repository, action);
    }
    if (action == Action.PULL && project.isPublic()) {
      return Decision.allow();
    }
    if (identity.isAnonymous()) {
      return Decision.deny(
          (project.isPublic()
                  ? "anonymous callers may only pull from public project " + projectName
                  : "project " + projectName + " is private")
              + "; "
              + RolePermissions.gerund(action)
              + " "
              + repository
              + " needs a login with role "
              + RolePermissions.weakestAllowed(action).id()
              + " or higher in it");
    }
    String user = identity.name().orElseThrow();
    ProjectRole role = project.users().get(user);
    String through = null;
    for (String group : identity.groups()) {
      ProjectRole groupRole = project.groups().get(group);
      if (groupRole != null && (role == null || groupRole.ordinal() < role.ordinal())) {
        role = groupRole;
        through = group;
      }
    }
    if (role != null && RolePermissions.allows(role, action)) {
      return Decision.allow();
    }
    String has =
        role == null
            ? "is not a member of project " + projectName
            : "has role "
                + role.id()
                + " in project "
                + projectName
                + (through == null ? "" : " (through group " + through + ")");
    return Decision.deny(
        "user "
            + user
            + " "
            + has
            + (project.isPublic() ? " (a public project: anyone may pull)" : "")
            + "; "
            + RolePermissions.gerund(action)
            + " needs role "
            + RolePermissions.weakestAllowed(action).id()
            + " or higher: ask an administrator of project "
            + projectName);
  }

  private static Decision noSuchProject(String project, RepositoryName repository, Action action) {
    return Decision.deny(
        "project "
            + project
            + " does not exist"
            + (action == Action.PUSH
                ? ": pushing does not create projects; a system administrator creates project "
                    + project
                    + " before anyone can push to "
                    + repository
                : ""));
  }

  private Decision authorizeRobot(Identity identity, Access access) throws IOException {
    String login = identity.name().orElse("");
    if (!login.startsWith(ROBOT_PREFIX)) {
      return Decision.deny(
          "identity " + identity + " is a robot account whose name lacks the robot$ prefix");
    }
    String name = login.substring(ROBOT_PREFIX.length());
    AccessSnapshot s = snapshot();
    RobotView robot = s.robot(name);
    if (robot == null) {
      return Decision.deny("robot account " + name + " does not exist (any more)");
    }
    if (robot.record().disabled()) {
      return Decision.deny("robot account " + name + " is disabled");
    }
    Instant now = clock.instant();
    if (!robot.record().activeAt(now)) {
      return Decision.deny(
          "robot account " + name + " expired at " + robot.record().expiresAt().orElseThrow());
    }
    Action action = access.action();
    if (action == Action.LOGIN) {
      return Decision.allow();
    }
    if (action == Action.CATALOG) {
      return robot.lists()
          ? Decision.allow()
          : Decision.deny(
              "robot account " + name + " may not list the repositories: no permission has list");
    }
    RepositoryName repository = access.repository().orElseThrow();
    String projectName = projectOf(repository);
    ProjectView project = s.project(projectName);
    Set<RobotAction> actions = robot.actionsIn(projectName, project != null);
    if (actions.contains(RolePermissions.robotAction(action))
        || (action == Action.PULL && project != null && project.isPublic())) {
      return Decision.allow();
    }
    if (project == null) {
      return noSuchProject(projectName, repository, action);
    }
    return Decision.deny(
        "robot account "
            + name
            + (actions.isEmpty()
                ? " has no permission in project " + projectName
                : " may only "
                    + actions.stream()
                        .map(a -> a.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", "))
                    + " in project "
                    + projectName)
            + "; "
            + RolePermissions.gerund(action)
            + " needs its "
            + RolePermissions.verb(action)
            + " permission there");
  }

  /**
   * Whether {@code identity} is a system administrator: named in the builder by user name or group,
   * and not a robot account. For endpoints beside the registry's API that only administrators may
   * use (the lifecycle endpoint's {@code administrators} predicate).
   */
  public boolean isSystemAdministrator(Identity identity) {
    return !isRobot(identity) && isSystemAdmin(identity);
  }

  private static boolean isRobot(Identity identity) {
    return "robot".equals(identity.attributes().get("kind"));
  }

  private boolean isSystemAdmin(Identity identity) {
    if (identity.isAnonymous()) {
      return false;
    }
    if (adminUsers.contains(identity.name().get())) {
      return true;
    }
    if (!adminGroups.isEmpty()) {
      for (String group : identity.groups()) {
        if (adminGroups.contains(group)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The project of {@code repository}: its first path component. */
  static String projectOf(RepositoryName repository) {
    String name = repository.value();
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(0, slash);
  }

  /** The settings, without the store's content. */
  @Override
  public String toString() {
    return "ProjectAuthorizer[systemAdmins="
        + adminUsers.size()
        + " users, "
        + adminGroups.size()
        + " groups, refreshInterval="
        + refreshInterval
        + "]";
  }

  /** Settings of a {@link ProjectAuthorizer}. Not thread-safe; build once. */
  public static final class Builder {
    private final AccessStore store;
    private final Set<String> adminUsers = new LinkedHashSet<>();
    private final Set<String> adminGroups = new LinkedHashSet<>();
    private Clock clock = Clock.systemUTC();
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;

    private Builder(AccessStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Adds system administrators by login name: they may do everything. A robot account ({@code
     * robot$…}) cannot be one.
     *
     * @throws IllegalArgumentException for a name that is not a valid user name
     */
    public Builder systemAdmins(Collection<String> users) {
      for (String user : users) {
        adminUsers.add(Principal.user(user).name());
      }
      return this;
    }

    /** Adds one system administrator by login name. */
    public Builder systemAdmin(String user) {
      return systemAdmins(Set.of(user));
    }

    /**
     * Adds groups whose members are system administrators (group names as the identity source
     * reports them in {@link Identity#groups()}).
     *
     * @throws IllegalArgumentException for a name that is not a valid group name
     */
    public Builder systemAdminGroups(Collection<String> groups) {
      for (String group : groups) {
        adminGroups.add(Principal.group(group).name());
      }
      return this;
    }

    /** Adds one system administrators' group. */
    public Builder systemAdminGroup(String group) {
      return systemAdminGroups(Set.of(group));
    }

    /**
     * How often {@link ProjectAuthorizer#authorize} reads the store's revision at most (default
     * {@link #DEFAULT_REFRESH_INTERVAL}): the longest a change made on another node, or behind the
     * authorizer's back, takes to be seen. Zero reads it on every request.
     */
    public Builder refreshInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("the refresh interval is not negative");
      }
      this.refreshInterval = interval;
      return this;
    }

    /** The clock for robot expiry and the refresh interval (default the system's, in UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The authorizer. It reads the store at its first decision (or {@link #refresh()}). */
    public ProjectAuthorizer build() {
      return new ProjectAuthorizer(this);
    }
  }
}
