package io.wharf.oci.auth;

import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectMember;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.UnknownProjectException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Managing projects and their members, over an {@link AccessStore}: what the {@code wharf} commands
 * and a configuration file's seed use, and what a management API would call. Names are checked here
 * and refused with an {@link InvalidNameException}; an operation on a project that does not exist
 * throws {@link UnknownProjectException}.
 *
 * <p>Made by {@link ProjectAuthorizer#projects()}, every write is seen by that authorizer at the
 * next request; made by {@link #builder}, whoever gave {@link Builder#onChange} is told. Each
 * method is one or a few store operations, not a transaction: two administrators changing the same
 * project at once each get what the store's last write left. Thread-safe.
 */
public final class Projects {

  private static final Logger log = LoggerFactory.getLogger(Projects.class);

  private final AccessStore store;
  private final Clock clock;
  private final Runnable onChange;

  private Projects(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    this.onChange = b.onChange;
  }

  /** A builder for the management API over {@code store}. */
  public static Builder builder(AccessStore store) {
    return new Builder(store);
  }

  /**
   * Creates a project.
   *
   * @param name one repository path component: lower-case letters and digits separated by {@code
   *     .}, {@code _}, {@code __} or dashes
   * @param isPublic whether anyone, even without credentials, may pull from it
   * @return the project as stored
   * @throws InvalidNameException when {@code name} cannot be a project's name
   * @throws ProjectExistsException when a project of that name exists
   */
  public ProjectRecord create(String name, boolean isPublic) throws IOException {
    checkProjectName(name);
    if (store.project(name).isPresent()) {
      throw new ProjectExistsException(name);
    }
    ProjectRecord project = new ProjectRecord(name, isPublic, clock.instant());
    write(() -> store.putProject(project));
    log.info("project {} created ({})", name, isPublic ? "public" : "private");
    return store.project(name).orElse(project);
  }

  /**
   * Makes a project public or private.
   *
   * @return the project as stored
   * @throws UnknownProjectException when it does not exist
   */
  public ProjectRecord setPublic(String name, boolean isPublic) throws IOException {
    ProjectRecord project = require(name);
    if (project.isPublic() != isPublic) {
      write(() -> store.putProject(new ProjectRecord(name, isPublic, project.created())));
      log.info("project {} made {}", name, isPublic ? "public" : "private");
    }
    return new ProjectRecord(name, isPublic, project.created());
  }

  /**
   * Deletes a project and its memberships. Its repositories stay (only system administrators and
   * robots with a {@code *} permission can reach them until a project of that name is made again),
   * and so do robot permissions naming it.
   *
   * @return whether it existed
   */
  public boolean delete(String name) throws IOException {
    checkProjectName(name);
    boolean existed = write(() -> store.deleteProject(name));
    if (existed) {
      log.info("project {} deleted", name);
    }
    return existed;
  }

  /** Every project, by name. */
  public List<ProjectRecord> list() throws IOException {
    return store.projects();
  }

  /** The project named {@code name}. */
  public Optional<ProjectRecord> get(String name) throws IOException {
    checkProjectName(name);
    return store.project(name);
  }

  /**
   * The members of a project, by principal.
   *
   * @throws UnknownProjectException when it does not exist
   */
  public List<ProjectMember> members(String project) throws IOException {
    require(project);
    return store.members(project);
  }

  /**
   * Makes {@code principal} a member of {@code project} in {@code role}, or changes its role.
   *
   * @return the role it had before, if it was a member
   * @throws UnknownProjectException when the project does not exist
   */
  public Optional<ProjectRole> putMember(String project, Principal principal, ProjectRole role)
      throws IOException {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(role, "role");
    require(project);
    Optional<ProjectRole> before = roleOf(project, principal);
    if (before.isEmpty() || before.get() != role) {
      write(() -> putMember(new ProjectMember(project, principal, role)));
      log.info("project {}: {} has role {}", project, principal, role.id());
    }
    return before;
  }

  /**
   * Removes {@code principal} from {@code project}.
   *
   * @return whether it was a member
   * @throws UnknownProjectException when the project does not exist
   */
  public boolean removeMember(String project, Principal principal) throws IOException {
    Objects.requireNonNull(principal, "principal");
    require(project);
    boolean was = write(() -> store.removeMember(project, principal));
    if (was) {
      log.info("project {}: {} removed", project, principal);
    }
    return was;
  }

  /**
   * Applies a declared list of projects, as a configuration file gives it at start: creates the
   * projects that are missing, sets the public flag of those that differ, and adds the members that
   * are missing or changes their role. Idempotent: a second run with the same list writes nothing.
   * Additive: projects and members that the list does not name stay, so that what was changed
   * through the API survives a restart.
   *
   * @return what changed
   * @throws IllegalArgumentException when the list names a project twice (nothing is written)
   */
  public SeedResult seed(List<ProjectSpec> projects) throws IOException {
    Set<String> names = new HashSet<>();
    for (ProjectSpec spec : projects) {
      if (!names.add(spec.name())) {
        throw new IllegalArgumentException("project " + spec.name() + " is declared twice");
      }
    }
    int created = 0;
    int changed = 0;
    int members = 0;
    for (ProjectSpec spec : projects) {
      Optional<ProjectRecord> existing = store.project(spec.name());
      if (existing.isEmpty()) {
        write(() -> store.putProject(new ProjectRecord(spec.name(), spec.isPublic(), now())));
        created++;
      } else if (existing.get().isPublic() != spec.isPublic()) {
        ProjectRecord p = existing.get();
        write(() -> store.putProject(new ProjectRecord(p.name(), spec.isPublic(), p.created())));
        changed++;
      }
      Map<Principal, ProjectRole> current = new HashMap<>();
      for (ProjectMember m : store.members(spec.name())) {
        current.put(m.principal(), m.role());
      }
      for (var e : spec.members().entrySet()) {
        if (current.get(e.getKey()) != e.getValue()) {
          write(() -> putMember(new ProjectMember(spec.name(), e.getKey(), e.getValue())));
          members++;
        }
      }
    }
    SeedResult result = new SeedResult(created, changed, members);
    if (result.changedAnything()) {
      log.info(
          "projects seeded: {} created, {} changed, {} memberships set", created, changed, members);
    }
    return result;
  }

  /**
   * What {@link #seed} changed.
   *
   * @param projectsCreated projects that did not exist
   * @param projectsChanged projects whose public flag was changed
   * @param membersSet memberships added or given another role
   */
  public record SeedResult(int projectsCreated, int projectsChanged, int membersSet) {

    /** Whether anything was written. */
    public boolean changedAnything() {
      return projectsCreated + projectsChanged + membersSet > 0;
    }
  }

  private boolean putMember(ProjectMember member) throws IOException {
    store.putMember(member);
    return true;
  }

  private Optional<ProjectRole> roleOf(String project, Principal principal) throws IOException {
    return store.members(project).stream()
        .filter(m -> m.principal().equals(principal))
        .map(ProjectMember::role)
        .findFirst();
  }

  private ProjectRecord require(String name) throws IOException {
    checkProjectName(name);
    return store.project(name).orElseThrow(() -> new UnknownProjectException(name));
  }

  private Instant now() {
    return clock.instant();
  }

  /** One write to the store; whatever happens, the listener hears of it. */
  private <T> T write(StoreWrite<T> write) throws IOException {
    try {
      return write.run();
    } finally {
      onChange.run();
    }
  }

  @FunctionalInterface
  private interface StoreWrite<T> {
    T run() throws IOException;
  }

  /**
   * Checks that {@code name} can be a project's name.
   *
   * @throws InvalidNameException when it cannot, saying why
   */
  static String checkProjectName(String name) {
    Objects.requireNonNull(name, "name");
    try {
      return ProjectRecord.checkName(name);
    } catch (IllegalArgumentException e) {
      throw new InvalidNameException(
          "'" + printable(name) + "' is not a project name: " + e.getMessage());
    }
  }

  /** {@code name} cut to 64 characters, control characters shown as {@code ?}: for messages. */
  private static String printable(String name) {
    String cut = name.length() > 64 ? name.substring(0, 64) + "…" : name;
    StringBuilder b = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }

  /** Settings of a {@link Projects}. */
  public static final class Builder {
    private final AccessStore store;
    private Clock clock = Clock.systemUTC();
    private Runnable onChange = () -> {};

    private Builder(AccessStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The clock for creation times (default the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Called after every write to the store (also one that failed, which may have changed
     * something): for example {@link ProjectAuthorizer#invalidate()}.
     */
    public Builder onChange(Runnable onChange) {
      this.onChange = Objects.requireNonNull(onChange, "onChange");
      return this;
    }

    /** The management API. */
    public Projects build() {
      return new Projects(this);
    }
  }
}
