package io.wharf.oci.policy.scanner;

import org.jspecify.annotations.Nullable;

/**
 * The adapter refused this client's {@code Authorization} ({@code 401} or {@code 403}): configure
 * the value the adapter expects.
 */
public final class ScannerAuthenticationException extends ScannerException {

  private static final long serialVersionUID = 1L;

  ScannerAuthenticationException(String message, int status, @Nullable Throwable cause) {
    super(message, status, cause);
  }
}
