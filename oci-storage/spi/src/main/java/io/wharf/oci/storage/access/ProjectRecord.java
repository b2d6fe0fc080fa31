package io.wharf.oci.storage.access;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A project: the first path component of the repository names it holds ({@code library} holds
 * {@code library/nginx} and {@code library/tools/jq}); a repository name of one component is its
 * own project.
 *
 * @param name the project's name: a repository path component ({@code [a-z0-9]+([._-][a-z0-9]+)*},
 *     at most 255 characters)
 * @param isPublic whether anyone, even without credentials, may pull from it
 * @param created when it was created (the store keeps the first value)
 */
public record ProjectRecord(String name, boolean isPublic, Instant created) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

  /** Validates. */
  public ProjectRecord {
    checkName(name);
    Objects.requireNonNull(created, "created");
  }

  /**
   * Checks that {@code name} can be a project's name.
   *
   * @throws IllegalArgumentException when it cannot
   */
  public static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 255 || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a project name is one repository path component: lower-case letters and digits,"
              + " separated by '.', '_', '__' or dashes, at most 255 characters");
    }
    return name;
  }
}
