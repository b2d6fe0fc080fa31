package io.wharf.oci.auth;

import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectRole;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A project as a configuration file declares it, for {@link Projects#seed}: its name, whether it is
 * public, and members with their roles.
 *
 * <pre>{@code
 * new ProjectSpec("team", false, Map.of(
 *     Principal.user("alice"), ProjectRole.PROJECT_ADMIN,
 *     Principal.group("developers"), ProjectRole.DEVELOPER))
 * }</pre>
 *
 * @param name the project's name (one repository path component)
 * @param isPublic whether anyone may pull from it
 * @param members the users and groups with their roles
 */
public record ProjectSpec(String name, boolean isPublic, Map<Principal, ProjectRole> members) {

  /**
   * Validates and copies.
   *
   * @throws InvalidNameException when {@code name} cannot be a project's name
   */
  public ProjectSpec {
    Projects.checkProjectName(name);
    Objects.requireNonNull(members, "members");
    members.forEach(
        (principal, role) -> {
          Objects.requireNonNull(principal, "a member's principal");
          Objects.requireNonNull(role, "a member's role");
        });
    members = Collections.unmodifiableMap(new TreeMap<>(members));
  }

  /** A project without members. */
  public static ProjectSpec of(String name, boolean isPublic) {
    return new ProjectSpec(name, isPublic, Map.of());
  }

  /** This project with {@code principal} as a member in {@code role} too. */
  public ProjectSpec withMember(Principal principal, ProjectRole role) {
    Map<Principal, ProjectRole> more = new TreeMap<>(members);
    more.put(principal, role);
    return new ProjectSpec(name, isPublic, more);
  }
}
