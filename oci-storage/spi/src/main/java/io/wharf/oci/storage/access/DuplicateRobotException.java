package io.wharf.oci.storage.access;

/** A robot account was created with the name of one that exists. */
public final class DuplicateRobotException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** For robot {@code name}. */
  public DuplicateRobotException(String name) {
    super("a robot account named " + name + " exists");
  }
}
