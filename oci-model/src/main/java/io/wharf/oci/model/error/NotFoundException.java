package io.wharf.oci.model.error;

import org.jspecify.annotations.Nullable;

/** Something the request names does not exist (`*_UNKNOWN` codes). */
public final class NotFoundException extends OciException {

  private static final long serialVersionUID = 1L;

  /** An exception with the code's default HTTP status. */
  public NotFoundException(ErrorCode code, String message) {
    this(code, message, null, code.httpStatus(), null);
  }

  /** An exception with a {@code detail} for the error body. */
  public NotFoundException(ErrorCode code, String message, @Nullable Object detail) {
    this(code, message, detail, code.httpStatus(), null);
  }

  /** An exception caused by another one. */
  public NotFoundException(ErrorCode code, String message, @Nullable Throwable cause) {
    this(code, message, null, code.httpStatus(), cause);
  }

  /** The full constructor: an explicit HTTP status overrides the code's default. */
  public NotFoundException(
      ErrorCode code,
      String message,
      @Nullable Object detail,
      int httpStatus,
      @Nullable Throwable cause) {
    super(code, message, detail, httpStatus, cause);
  }
}
