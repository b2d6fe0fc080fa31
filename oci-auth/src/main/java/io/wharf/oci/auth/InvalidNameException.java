package io.wharf.oci.auth;

/**
 * A project, user or group name that cannot be one: the message says what is wrong with it. An
 * {@link IllegalArgumentException}, so callers that catch those keep working.
 */
public final class InvalidNameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** With {@code message}, which names the rule the name breaks. */
  public InvalidNameException(String message) {
    super(message);
  }
}
