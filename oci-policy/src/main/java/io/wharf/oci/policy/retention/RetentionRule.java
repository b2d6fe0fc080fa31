package io.wharf.oci.policy.retention;

import io.wharf.oci.policy.Rule;
import java.util.Objects;

/**
 * One retention rule of a project, as Harbor has them: the repositories it applies to, the
 * artifacts it considers there, and what it retains of them.
 *
 * @param name unique among the project's retention rules, {@code [a-z0-9][a-z0-9._-]{0,63}};
 *     reasons name it
 * @param repositories the repositories of the project it applies to
 * @param tags the artifacts it considers in each of them
 * @param template what it retains of those, per repository
 */
public record RetentionRule(
    String name, RepositorySelector repositories, TagSelector tags, RetentionTemplate template) {

  /** Checks the name and that every part is present. */
  public RetentionRule {
    Objects.requireNonNull(name, "name");
    if (!Rule.validName(name)) {
      throw new IllegalArgumentException(
          "retention rule name '" + name + "' is not [a-z0-9][a-z0-9._-]{0,63}");
    }
    Objects.requireNonNull(repositories, "repositories");
    Objects.requireNonNull(tags, "tags");
    Objects.requireNonNull(template, "template");
  }

  /** A rule for every repository and every artifact of the project. */
  public static RetentionRule of(String name, RetentionTemplate template) {
    return new RetentionRule(name, RepositorySelector.ALL, TagSelector.ALL, template);
  }
}
