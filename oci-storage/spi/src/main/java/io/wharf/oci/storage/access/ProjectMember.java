package io.wharf.oci.storage.access;

import java.util.Objects;

/**
 * A principal's role in a project.
 *
 * @param project the project's name
 * @param principal the user or group
 * @param role the role
 */
public record ProjectMember(String project, Principal principal, ProjectRole role) {

  /** Validates. */
  public ProjectMember {
    ProjectRecord.checkName(project);
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(role, "role");
  }
}
