package io.wharf.oci.policy.scanner;

import org.jspecify.annotations.Nullable;

/**
 * The adapter answered something the Pluggable Scanner API does not allow: an unexpected status, a
 * body that is not the JSON the API defines, a value out of bounds, a body larger than the limit, a
 * report of another media type than asked for.
 */
public final class ScannerProtocolException extends ScannerException {

  private static final long serialVersionUID = 1L;

  ScannerProtocolException(String message, int status, @Nullable Throwable cause) {
    super(message, status, cause);
  }
}
