package io.wharf.oci.policy.scanner;

import org.jspecify.annotations.Nullable;

/**
 * The adapter cannot do what was asked: {@code 501} (API 1.2: no capability for the artifact or the
 * report type), or its metadata lists no capability that consumes the artifact's media type and
 * produces the report type asked for.
 */
public final class ScannerUnsupportedException extends ScannerException {

  private static final long serialVersionUID = 1L;

  ScannerUnsupportedException(String message, int status, @Nullable Throwable cause) {
    super(message, status, cause);
  }
}
