package io.wharf.oci.server.lifecycle;

/** A cron expression that {@link Schedule#parse} cannot use; the message says why, for people. */
public final class InvalidScheduleException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public InvalidScheduleException(String message) {
    super(message);
  }

  /** An exception with {@code message}, caused by {@code cause}. */
  public InvalidScheduleException(String message, Throwable cause) {
    super(message, cause);
  }
}
