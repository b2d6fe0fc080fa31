package io.wharf.oci.storage.access;

/** A membership was asked for a project that does not exist. */
public final class UnknownProjectException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** For project {@code project}. */
  public UnknownProjectException(String project) {
    super("project " + project + " does not exist");
  }
}
