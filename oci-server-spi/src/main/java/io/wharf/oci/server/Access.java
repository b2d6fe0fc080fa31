package io.wharf.oci.server;

import io.wharf.oci.model.ref.RepositoryName;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing a request needs to be allowed: an action, on a repository for the repository actions
 * ({@link Action#PULL}, {@link Action#PUSH}, {@link Action#DELETE}), on the registry for {@link
 * Action#LOGIN} and {@link Action#CATALOG}. A request may need several: a cross-repository mount
 * (end-11) needs {@code push} on its repository and {@code pull} on the source.
 *
 * @param action the action
 * @param repository the repository, present exactly for the repository actions
 */
public record Access(Action action, Optional<RepositoryName> repository) {

  /** Checks that the repository is present exactly when the action needs one. */
  public Access {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(repository, "repository");
    boolean needsRepository = action != Action.LOGIN && action != Action.CATALOG;
    if (needsRepository != repository.isPresent()) {
      throw new IllegalArgumentException(
          needsRepository
              ? action + " needs a repository"
              : action + " is on the registry, not on a repository");
    }
  }

  /** {@code action} on {@code repository}. */
  public static Access of(Action action, RepositoryName repository) {
    return new Access(action, Optional.of(repository));
  }

  /** Reading {@code repository}. */
  public static Access pull(RepositoryName repository) {
    return of(Action.PULL, repository);
  }

  /** Writing to {@code repository}. */
  public static Access push(RepositoryName repository) {
    return of(Action.PUSH, repository);
  }

  /** Deleting from {@code repository}. */
  public static Access delete(RepositoryName repository) {
    return of(Action.DELETE, repository);
  }

  /** Listing the repositories. */
  public static Access catalog() {
    return new Access(Action.CATALOG, Optional.empty());
  }

  /** Being let in at all (end-1). */
  public static Access login() {
    return new Access(Action.LOGIN, Optional.empty());
  }

  /**
   * The Docker token scope of this access: {@code repository:<name>:<action>}, {@code
   * registry:catalog:*}, or empty for {@link Action#LOGIN}, which a token of any scope allows.
   */
  public Optional<String> scope() {
    return switch (action) {
      case LOGIN -> Optional.empty();
      case CATALOG -> Optional.of("registry:catalog:*");
      default -> Optional.of("repository:" + repository.orElseThrow() + ":" + action.scopeName());
    };
  }

  /** The scope, or {@code login}. */
  @Override
  public String toString() {
    return scope().orElse("login");
  }
}
