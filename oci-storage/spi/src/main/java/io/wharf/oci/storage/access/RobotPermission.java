package io.wharf.oci.storage.access;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a robot account may do in one project, or in every project ({@link #ALL_PROJECTS}).
 *
 * @param project a project's name, or {@code *}
 * @param actions at least one action
 */
public record RobotPermission(String project, Set<RobotAction> actions) {

  /** The project name that stands for every project. */
  public static final String ALL_PROJECTS = "*";

  /** Validates and copies. */
  public RobotPermission {
    if (!ALL_PROJECTS.equals(project)) {
      ProjectRecord.checkName(project);
    }
    Objects.requireNonNull(actions, "actions");
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a robot permission names at least one action");
    }
    actions = Collections.unmodifiableSet(EnumSet.copyOf(actions));
  }

  /** What a robot may be allowed to do in a project. */
  public enum RobotAction {
    /** Pull manifests, blobs, tags and referrers. */
    PULL,
    /** Push blobs and manifests. */
    PUSH,
    /** Delete manifests, tags and blobs. */
    DELETE,
    /** See the project's repositories in the catalog. */
    LIST
  }
}
