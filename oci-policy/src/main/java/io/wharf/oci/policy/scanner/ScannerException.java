package io.wharf.oci.policy.scanner;

import java.io.IOException;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A scanner adapter said no, could not be reached, or answered something the Pluggable Scanner API
 * does not allow. The message names the adapter, the operation and the reason (with the adapter's
 * own error message, cleaned and shortened), never an authorization value. The subclasses tell the
 * cases apart.
 */
public abstract sealed class ScannerException extends IOException
    permits ScanRejectedException,
        ScannerAuthenticationException,
        ScannerUnavailableException,
        ScannerUnsupportedException,
        ScanNotFoundException,
        ScanFailedException,
        ScannerProtocolException,
        ScanTimeoutException {

  private static final long serialVersionUID = 1L;

  private final int status;

  ScannerException(String message, int status, @Nullable Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status the adapter answered with, when the failure is an answer. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
