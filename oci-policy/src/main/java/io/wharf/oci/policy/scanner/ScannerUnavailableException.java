package io.wharf.oci.policy.scanner;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The adapter could not be reached, or answered that it cannot serve now: a connection failure or
 * timeout, {@code 500} on the metadata or a scan request, {@code 502}, {@code 503}, {@code 504}.
 * Worth trying again later ({@link #retryAfter()} when the adapter said when).
 */
public final class ScannerUnavailableException extends ScannerException {

  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  ScannerUnavailableException(
      String message, int status, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, status, cause);
    this.retryAfter = retryAfter;
  }

  /** How long the adapter asked to wait ({@code Retry-After}), when it did. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
