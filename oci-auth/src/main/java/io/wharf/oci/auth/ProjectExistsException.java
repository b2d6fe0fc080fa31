package io.wharf.oci.auth;

/** A project was to be created with the name of one that exists. */
public final class ProjectExistsException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** For project {@code name}. */
  public ProjectExistsException(String name) {
    super("project " + name + " exists");
  }
}
