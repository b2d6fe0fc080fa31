package io.wharf.oci.policy.scanner;

import org.jspecify.annotations.Nullable;

/**
 * The adapter knows no scan of that id ({@code 404} on {@code GET /scan/{id}/report}): it expired
 * or the adapter restarted; request a new scan.
 */
public final class ScanNotFoundException extends ScannerException {

  private static final long serialVersionUID = 1L;

  ScanNotFoundException(String message, int status, @Nullable Throwable cause) {
    super(message, status, cause);
  }
}
