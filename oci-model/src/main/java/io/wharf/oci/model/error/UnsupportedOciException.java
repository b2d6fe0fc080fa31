package io.wharf.oci.model.error;

import org.jspecify.annotations.Nullable;

/** The operation is not supported by this registry or store (`UNSUPPORTED`). */
public final class UnsupportedOciException extends OciException {

  private static final long serialVersionUID = 1L;

  /** An exception with the code's default HTTP status. */
  public UnsupportedOciException(ErrorCode code, String message) {
    this(code, message, null, code.httpStatus(), null);
  }

  /** An exception with a {@code detail} for the error body. */
  public UnsupportedOciException(ErrorCode code, String message, @Nullable Object detail) {
    this(code, message, detail, code.httpStatus(), null);
  }

  /** An exception caused by another one. */
  public UnsupportedOciException(ErrorCode code, String message, @Nullable Throwable cause) {
    this(code, message, null, code.httpStatus(), cause);
  }

  /** The full constructor: an explicit HTTP status overrides the code's default. */
  public UnsupportedOciException(
      ErrorCode code,
      String message,
      @Nullable Object detail,
      int httpStatus,
      @Nullable Throwable cause) {
    super(code, message, detail, httpStatus, cause);
  }
}
