package io.wharf.oci.policy.scanner;

import org.jspecify.annotations.Nullable;

/**
 * The adapter refused a request as invalid: {@code 400} (invalid JSON or the wrong type of values)
 * or {@code 422} (an invalid field) on {@code POST /scan}, {@code 400} on a report request.
 */
public final class ScanRejectedException extends ScannerException {

  private static final long serialVersionUID = 1L;

  ScanRejectedException(String message, int status, @Nullable Throwable cause) {
    super(message, status, cause);
  }
}
