package io.wharf.oci.server;

/**
 * What a request does to a repository, as access control sees it: each {@link Endpoint} needs one.
 * The names match the Docker token specification's actions ({@code pull}, {@code push}, {@code
 * delete}) and its {@code registry:catalog:*} scope. A closed set, so an enum.
 */
public enum Action {
  /**
   * The API version check (end-1), the first request of every client and what {@code docker login}
   * sends: it names no repository, and only asks whether the caller is let in at all.
   */
  LOGIN("login"),
  /** Reading manifests, blobs, tags and referrers of a repository. */
  PULL("pull"),
  /** Uploading blobs (and mounting them), pushing manifests and tags. */
  PUSH("push"),
  /** Deleting manifests, tags and blobs. */
  DELETE("delete"),
  /** Listing the registry's repositories ({@code _catalog}). */
  CATALOG("*");

  private final String scopeName;

  Action(String scopeName) {
    this.scopeName = scopeName;
  }

  /**
   * The action's name in a Docker token scope: {@code pull}, {@code push}, {@code delete}; {@code
   * *} for the catalog ({@code registry:catalog:*}); {@code login} has no scope form.
   */
  public String scopeName() {
    return scopeName;
  }
}
