package io.wharf.oci.server.lifecycle;

/** JSON that {@link LifecycleJson#readGcReport} cannot read as a report; the message says where. */
public final class InvalidReportException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public InvalidReportException(String message) {
    super(message);
  }

  /** An exception with {@code message}, caused by {@code cause}. */
  public InvalidReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
