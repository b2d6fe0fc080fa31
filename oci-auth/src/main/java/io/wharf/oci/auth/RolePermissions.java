package io.wharf.oci.auth;

import io.wharf.oci.server.Action;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import java.util.Locale;

/**
 * What each of Harbor's project roles may do with a project's repositories, as Harbor's {@code
 * rbac_role.go} grants the {@code repository} resource's {@code pull}, {@code push} and {@code
 * delete} actions (see {@code PERMISSIONS.md}): every role pulls, a developer also pushes, a
 * maintainer and a project admin also delete.
 */
final class RolePermissions {

  private RolePermissions() {}

  /** Whether {@code role} allows {@code action} on the repositories of its project. */
  static boolean allows(ProjectRole role, Action action) {
    return role.ordinal() <= weakestAllowed(action).ordinal();
  }

  /** The weakest role that allows {@code action} (roles are ordered strongest first). */
  static ProjectRole weakestAllowed(Action action) {
    return switch (action) {
      case PULL -> ProjectRole.LIMITED_GUEST;
      case PUSH -> ProjectRole.DEVELOPER;
      case DELETE -> ProjectRole.MAINTAINER;
      case LOGIN, CATALOG ->
          throw new IllegalArgumentException(action + " is not an action on a repository");
    };
  }

  /** The robot permission that allows {@code action} on a repository. */
  static RobotAction robotAction(Action action) {
    weakestAllowed(action); // refuses the actions on the registry
    return RobotAction.valueOf(action.name());
  }

  /** {@code pulling}, {@code pushing}, {@code deleting}: for reasons. */
  static String gerund(Action action) {
    return switch (action) {
      case PULL -> "pulling";
      case PUSH -> "pushing";
      case DELETE -> "deleting";
      case LOGIN -> "logging in";
      case CATALOG -> "listing the repositories";
    };
  }

  /** {@code pull}, {@code push}, {@code delete}: for reasons. */
  static String verb(Action action) {
    return action.name().toLowerCase(Locale.ROOT);
  }
}
