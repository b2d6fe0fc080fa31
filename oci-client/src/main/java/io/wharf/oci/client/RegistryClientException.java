package io.wharf.oci.client;

import io.wharf.oci.model.error.AccessException;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.error.RateLimitedException;
import io.wharf.oci.model.error.StorageException;
import io.wharf.oci.model.error.UnsupportedOciException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A registry, or its token server, answered a request with a status the operation does not accept.
 * It carries the HTTP status, the OCI errors of the body ({@code {"errors":[…]}}, unknown codes
 * kept as strings), the method and the URL (without user info and without the query, which may hold
 * secrets).
 *
 * <p>The client's one exception for "the remote side said no". {@link #toOciException()} maps it to
 * the model's {@link OciException} family (for a server that relays a remote answer, e.g. a proxy
 * cache); the client itself throws {@link InvalidContentException} only for content that fails
 * verification, and {@link java.io.IOException} when bytes could not move.
 */
public final class RegistryClientException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String method;
  private final String url;
  private final transient List<ErrorResponse.Entry> errors;
  private final transient @Nullable Duration retryAfter;

  /**
   * An exception for one answer.
   *
   * @param status the HTTP status
   * @param method the request method
   * @param url the redacted URL
   * @param errors the OCI errors of the body, possibly none
   * @param retryAfter the {@code Retry-After} of the answer, when it had one
   * @param context what the client was doing, e.g. {@code "GET manifest library/ubuntu:latest"}
   */
  public RegistryClientException(
      int status,
      String method,
      String url,
      List<ErrorResponse.Entry> errors,
      Optional<Duration> retryAfter,
      String context) {
    super(message(status, method, url, errors, context));
    this.status = status;
    this.method = method;
    this.url = url;
    this.errors = List.copyOf(errors);
    this.retryAfter = retryAfter.orElse(null);
  }

  private static String message(
      int status, String method, String url, List<ErrorResponse.Entry> errors, String context) {
    StringBuilder b = new StringBuilder(context).append(": ").append(method).append(' ');
    b.append(url).append(" answered ").append(status);
    for (ErrorResponse.Entry e : errors.subList(0, Math.min(errors.size(), 5))) {
      String m = e.message().length() > 200 ? e.message().substring(0, 200) + "…" : e.message();
      b.append("; ").append(e.code()).append(": ").append(m);
    }
    return b.toString();
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The request method. */
  public String method() {
    return method;
  }

  /** The URL, without user info or query. */
  public String url() {
    return url;
  }

  /** The OCI errors of the body, in order; empty when the body had none. */
  public List<ErrorResponse.Entry> errors() {
    return errors;
  }

  /**
   * The first OCI error code the client knows, else the code that stands for the status (404 {@code
   * NOT_FOUND}-like statuses have no single code, so none is made up for them).
   */
  public Optional<ErrorCode> code() {
    for (ErrorResponse.Entry e : errors) {
      Optional<ErrorCode> c = e.errorCode();
      if (c.isPresent()) {
        return c;
      }
    }
    return switch (status) {
      case 401 -> Optional.of(ErrorCode.UNAUTHORIZED);
      case 403 -> Optional.of(ErrorCode.DENIED);
      case 405 -> Optional.of(ErrorCode.UNSUPPORTED);
      case 416 -> Optional.of(ErrorCode.RANGE_INVALID);
      case 429 -> Optional.of(ErrorCode.TOOMANYREQUESTS);
      case 503 -> Optional.of(ErrorCode.UNAVAILABLE);
      default -> Optional.empty();
    };
  }

  /** Whether the registry said the thing does not exist (404). */
  public boolean isNotFound() {
    return status == 404;
  }

  /** The {@code Retry-After} of the answer, when it had one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * The model's exception for this answer, with the same status, this exception as its cause and
   * the first error's detail: {@code *_UNKNOWN} and 404 are {@link NotFoundException}, 401/403
   * {@link AccessException}, 429 {@link RateLimitedException}, 405 {@link UnsupportedOciException},
   * other 4xx {@link InvalidContentException}, anything else {@link StorageException}.
   */
  public OciException toOciException() {
    ErrorCode code = code().orElse(status == 404 ? ErrorCode.NAME_UNKNOWN : ErrorCode.UNKNOWN);
    Object detail = errors.isEmpty() ? null : errors.get(0).detail().orElse(null);
    String message = getMessage();
    if (status == 404 || code.name().endsWith("_UNKNOWN") && code != ErrorCode.UNKNOWN) {
      return new NotFoundException(code, message, detail, status, this);
    }
    if (status == 401
        || status == 403
        || code == ErrorCode.UNAUTHORIZED
        || code == ErrorCode.DENIED) {
      return new AccessException(code, message, detail, status, this);
    }
    if (status == 429) {
      return new RateLimitedException(ErrorCode.TOOMANYREQUESTS, message, detail, status, this);
    }
    if (status == 405) {
      return new UnsupportedOciException(ErrorCode.UNSUPPORTED, message, detail, status, this);
    }
    if (status >= 400 && status < 500) {
      ErrorCode c = code == ErrorCode.UNKNOWN ? ErrorCode.BLOB_UPLOAD_INVALID : code;
      return new InvalidContentException(c, message, detail, status, this);
    }
    return new StorageException(code, message, detail, status, this);
  }
}
