package io.wharf.oci.policy.retention;

import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.policy.Glob;
import java.util.List;

/**
 * Which repositories of a project a retention rule applies to, as Harbor's repository filter
 * ("matching" and "excluding"): a repository is selected when one of the {@code include} patterns
 * matches its name within the project (or there are none) and no {@code exclude} pattern does.
 *
 * <p>The name within the project is the repository name without its first component: {@code app} of
 * {@code library/app}, {@code team/app} of {@code library/team/app}; a one-component repository
 * (its own project) is matched by its whole name. This is how Harbor's launcher matches.
 *
 * @param include doublestar patterns, any of which selects (empty: every repository)
 * @param exclude doublestar patterns, any of which deselects
 */
public record RepositorySelector(List<Glob> include, List<Glob> exclude) {

  /** Every repository of the project. */
  public static final RepositorySelector ALL = new RepositorySelector(List.of(), List.of());

  /** Copies. */
  public RepositorySelector {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  /** The name of {@code repository} within its project, as patterns see it. */
  public static String nameInProject(RepositoryName repository) {
    String name = repository.value();
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }

  /** Whether the rule applies to {@code repository}. */
  public boolean selects(RepositoryName repository) {
    String name = nameInProject(repository);
    return (include.isEmpty() || Patterns.any(include, name)) && !Patterns.any(exclude, name);
  }
}
