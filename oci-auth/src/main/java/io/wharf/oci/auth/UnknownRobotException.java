package io.wharf.oci.auth;

import java.util.NoSuchElementException;

/** An operation named a robot account that does not exist. */
public final class UnknownRobotException extends NoSuchElementException {
  private static final long serialVersionUID = 1L;

  /** For robot {@code name}. */
  public UnknownRobotException(String name) {
    super("no robot account named " + name);
  }
}
