package io.wharf.oci.policy;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.util.List;

/**
 * What a rule applies to: an artifact matches when each list that is not empty has a pattern that
 * matches (an empty list matches everything), and no pattern of {@code exceptRepositories} matches
 * its repository.
 *
 * @param projects globs over the project: the repository name's first component ({@code team-a} of
 *     {@code team-a/app}; a one-component name is its own project)
 * @param repositories globs over the whole repository name
 * @param tags globs over the tag
 * @param exceptRepositories globs over the whole repository name that the rule does not apply to
 *     (how a containers {@code policy.json} scope leaves its more specific scopes to their own
 *     requirements)
 */
public record RuleMatch(
    List<Glob> projects, List<Glob> repositories, List<Glob> tags, List<Glob> exceptRepositories) {

  /** Matches everything. */
  public static final RuleMatch ALL = new RuleMatch(List.of(), List.of(), List.of());

  /** Copies. */
  public RuleMatch {
    projects = List.copyOf(projects);
    repositories = List.copyOf(repositories);
    tags = List.copyOf(tags);
    exceptRepositories = List.copyOf(exceptRepositories);
  }

  /** A match without exceptions. */
  public RuleMatch(List<Glob> projects, List<Glob> repositories, List<Glob> tags) {
    this(projects, repositories, tags, List.of());
  }

  /** The project of {@code repository}: its name's first component. */
  public static String projectOf(RepositoryName repository) {
    String name = repository.value();
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(0, slash);
  }

  /** Whether the project and repository patterns match {@code repository} (tags aside). */
  public boolean matchesRepository(RepositoryName repository) {
    return matchesRepository(projectOf(repository), repository.value());
  }

  /** Whether the project and repository patterns match, the project already known. */
  boolean matchesRepository(String project, String repository) {
    return (projects.isEmpty() || any(projects, project))
        && (repositories.isEmpty() || any(repositories, repository))
        && (exceptRepositories.isEmpty() || !any(exceptRepositories, repository));
  }

  /** Whether the tag patterns match {@code tag} (true when there are none). */
  public boolean matchesTag(Tag tag) {
    return tags.isEmpty() || any(tags, tag.value());
  }

  /** Whether the rule is scoped to tags. */
  public boolean hasTagPatterns() {
    return !tags.isEmpty();
  }

  private static boolean any(List<Glob> globs, String name) {
    for (int i = 0; i < globs.size(); i++) {
      if (globs.get(i).matches(name)) {
        return true;
      }
    }
    return false;
  }
}
