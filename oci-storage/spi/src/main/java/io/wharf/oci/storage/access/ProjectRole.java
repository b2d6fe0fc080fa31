package io.wharf.oci.storage.access;

import java.util.Arrays;
import java.util.Optional;

/**
 * A member's role in a project, Harbor's five: what each role may do is decided by the authorizer,
 * the store only keeps it. Ordered from most to least powerful.
 */
public enum ProjectRole {
  /** Everything in the project, including its members. */
  PROJECT_ADMIN("projectAdmin"),
  /** Pull, push, delete; manages tags and retention, not members. */
  MAINTAINER("maintainer"),
  /** Pull and push. */
  DEVELOPER("developer"),
  /** Pull (read-only). */
  GUEST("guest"),
  /** Pull only what it is told (no listing of the project's repositories). */
  LIMITED_GUEST("limitedGuest");

  private final String id;

  ProjectRole(String id) {
    this.id = id;
  }

  /** The role's name as stored, configured and shown: {@code projectAdmin}, {@code maintainer}… */
  public String id() {
    return id;
  }

  /** The role named {@code id} (as {@link #id()} spells it, or the constant's name, any case). */
  public static Optional<ProjectRole> fromId(String id) {
    return Arrays.stream(values())
        .filter(r -> r.id.equalsIgnoreCase(id) || r.name().equalsIgnoreCase(id))
        .findFirst();
  }
}
