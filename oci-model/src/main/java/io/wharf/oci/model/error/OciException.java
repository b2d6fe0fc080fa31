package io.wharf.oci.model.error;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The protocol or the spec said no. Every exception of this family carries an {@link ErrorCode}, an
 * optional machine-readable {@code detail}, and the HTTP status it is sent with. Bytes that could
 * not move are {@link java.io.IOException}s instead.
 */
public abstract sealed class OciException extends RuntimeException
    permits NotFoundException,
        InvalidContentException,
        AccessException,
        UnsupportedOciException,
        RateLimitedException,
        StorageException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient @Nullable Object detail;
  private final int httpStatus;

  OciException(
      ErrorCode code,
      String message,
      @Nullable Object detail,
      int httpStatus,
      @Nullable Throwable cause) {
    super(message, cause);
    this.code = code;
    this.detail = detail;
    this.httpStatus = httpStatus;
  }

  /** The OCI error code. */
  public ErrorCode code() {
    return code;
  }

  /** The {@code detail} of the error body: plain Java values (maps, lists, strings, numbers). */
  public Optional<Object> detail() {
    return Optional.ofNullable(detail);
  }

  /** The HTTP status to answer with: the code's default unless this instance overrides it. */
  public int httpStatus() {
    return httpStatus;
  }
}
