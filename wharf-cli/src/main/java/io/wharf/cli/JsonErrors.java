package io.wharf.cli;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.transport.ErrorResponses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answers of its own (a request line or headers too long, a bad request, a failure that
 * reached the container) as the distribution spec's JSON error body, made by {@link
 * ErrorResponses}, instead of Jetty's HTML page. The message says what the status means; no
 * exception text, class or path reaches the client.
 */
final class JsonErrors extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int status,
      String message,
      Throwable cause,
      Callback callback) {
    ByteBuffer body = ByteBuffer.wrap(json(status));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(ErrorResponses.API_VERSION_HEADER, ErrorResponses.API_VERSION);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.remaining());
    response.write(true, body, callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    fields.put(ErrorResponses.API_VERSION_HEADER, ErrorResponses.API_VERSION);
    return ByteBuffer.wrap(json(status));
  }

  /** The JSON error body for {@code status}. */
  static byte[] json(int status) {
    RegistryResponse r = ErrorResponses.of(status, code(status), message(status));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      r.body().orElseThrow().writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static ErrorCode code(int status) {
    return switch (status) {
      case 400, 414 -> ErrorCode.NAME_INVALID;
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.DENIED;
      case 404 -> ErrorCode.NAME_UNKNOWN;
      case 413 -> ErrorCode.SIZE_INVALID;
      case 429 -> ErrorCode.TOOMANYREQUESTS;
      case 503 -> ErrorCode.UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.UNKNOWN : ErrorCode.UNSUPPORTED;
    };
  }

  private static String message(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 408 -> "the request took too long";
      case 413 -> "the request body is too large";
      case 414 -> "the request path is too long";
      case 431 -> "the request headers are too large";
      default -> status >= 500 ? "internal error" : "request refused (HTTP " + status + ")";
    };
  }
}
