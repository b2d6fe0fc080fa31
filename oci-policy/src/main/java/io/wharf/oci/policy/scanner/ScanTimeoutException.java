package io.wharf.oci.policy.scanner;

import org.jspecify.annotations.Nullable;

/**
 * The report was not ready within the time allowed for polling ({@link ScannerClient#awaitReport}).
 */
public final class ScanTimeoutException extends ScannerException {

  private static final long serialVersionUID = 1L;

  ScanTimeoutException(String message, int status, @Nullable Throwable cause) {
    super(message, status, cause);
  }
}
