package io.wharf.oci.policy.scanner;

import org.jspecify.annotations.Nullable;

/**
 * The scan ended in failure ({@code 500} on {@code GET /scan/{id}/report}): the adapter could not
 * pull or scan the artifact. The message carries the adapter's reason.
 */
public final class ScanFailedException extends ScannerException {

  private static final long serialVersionUID = 1L;

  ScanFailedException(String message, int status, @Nullable Throwable cause) {
    super(message, status, cause);
  }
}
