package io.wharf.oci.storage;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.RepositoryName;

/**
 * What the repositories of one project hold, for quotas ({@link MetadataStore#projectUsage}). A
 * project is the first path component of repository names, as in Harbor: project {@code team} holds
 * repository {@code team} and every repository under {@code team/}, never {@code team-b} or {@code
 * teamx/app}.
 *
 * @param bytes the bytes of the distinct content of the project's repositories: each manifest and
 *     each linked blob counted once, however many repositories of the project hold it (a base layer
 *     shared by ten images of the project counts once; the same layer in another project counts
 *     there too)
 * @param artifacts the manifests the project's repositories store, counted per repository: an image
 *     pushed to two repositories of the project is two artifacts, as Harbor counts them, and the
 *     children of an index and the referrers of an image (signatures, SBOMs, reports) are artifacts
 *     too; tags are not counted
 */
public record ProjectUsage(long bytes, long artifacts) {

  /** An empty project: nothing stored. */
  public static final ProjectUsage NONE = new ProjectUsage(0, 0);

  /** Validates. */
  public ProjectUsage {
    if (bytes < 0 || artifacts < 0) {
      throw new IllegalArgumentException(
          "usage is not negative: " + bytes + " bytes, " + artifacts + " artifacts");
    }
  }

  /**
   * Checks that {@code project} can name a project: one path component of a repository name ({@code
   * team}, {@code team-a}, {@code team_a}), as Harbor's projects are. Stores call this first, so
   * that a name that could never hold anything ({@code te%}, {@code ""}, {@code team/app}) is
   * refused rather than answered with zero.
   *
   * @return {@code project}
   * @throws InvalidContentException {@code NAME_INVALID} otherwise
   */
  public static String checkProject(String project) {
    try {
      RepositoryName.of(project);
    } catch (InvalidContentException e) {
      throw new InvalidContentException(
          ErrorCode.NAME_INVALID, "project name is invalid: " + e.getMessage());
    }
    if (project.indexOf('/') >= 0) {
      throw new InvalidContentException(
          ErrorCode.NAME_INVALID,
          "project name '" + project + "' must be one path component of a repository name (no /)");
    }
    return project;
  }

  /** The project of {@code repository}: its first path component. */
  public static String projectOf(RepositoryName repository) {
    String name = repository.value();
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(0, slash);
  }
}
