package io.wharf.oci.client.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP/1.1 response that {@link FaultProxy} sends instead of forwarding a request. It always
 * carries {@code Content-Length}; with {@link #closingConnection()} it also says {@code Connection:
 * close} and the proxy closes the connection after it. Immutable.
 */
public final class CannedResponse {

  private final int status;
  private final String reason;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;
  private final boolean close;

  private CannedResponse(
      int status,
      String reason,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean close) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status " + status);
    }
    if (reason.contains("\r") || reason.contains("\n")) {
      throw new IllegalArgumentException("reason phrase with CR or LF");
    }
    this.status = status;
    this.reason = reason;
    this.headers = List.copyOf(headers);
    this.body = body.clone();
    this.close = close;
  }

  /** A response with this status, its standard reason phrase, and no body. */
  public static CannedResponse of(int status) {
    return new CannedResponse(status, reason(status), List.of(), new byte[0], false);
  }

  /**
   * {@code 429 Too Many Requests} with {@code Retry-After: <seconds>} and the distribution-spec
   * error body {@code TOOMANYREQUESTS}.
   */
  public static CannedResponse tooManyRequests(Duration retryAfter) {
    return of(429)
        .withHeader("Retry-After", Long.toString(retryAfter.toSeconds()))
        .withJsonBody(
            "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"too many requests\"}]}");
  }

  /** {@code 503 Service Unavailable} with a short text body. */
  public static CannedResponse serviceUnavailable() {
    return of(503)
        .withHeader("Content-Type", "text/plain; charset=utf-8")
        .withBody(
            "service unavailable (injected by FaultProxy)\n".getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code 307 Temporary Redirect} to {@code location}. */
  public static CannedResponse redirect(String location) {
    return of(307).withHeader("Location", location);
  }

  /** With one more header field (several of the same name are allowed). */
  public CannedResponse withHeader(String name, String value) {
    if (name.contains(":") || (name + value).contains("\r") || (name + value).contains("\n")) {
      throw new IllegalArgumentException("bad header field " + name);
    }
    if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
      throw new IllegalArgumentException("the proxy sets " + name + " itself");
    }
    List<Map.Entry<String, String>> h = new ArrayList<>(headers);
    h.add(Map.entry(name, value));
    return new CannedResponse(status, reason, h, body, close);
  }

  /** With this body. */
  public CannedResponse withBody(byte[] body) {
    return new CannedResponse(status, reason, headers, Objects.requireNonNull(body), close);
  }

  /** With a JSON body and {@code Content-Type: application/json}. */
  public CannedResponse withJsonBody(String json) {
    return withHeader("Content-Type", "application/json; charset=utf-8")
        .withBody(json.getBytes(StandardCharsets.UTF_8));
  }

  /** With {@code Connection: close}, after which the proxy closes the connection. */
  public CannedResponse closingConnection() {
    return new CannedResponse(status, reason, headers, body, true);
  }

  /** The status code. */
  public int status() {
    return status;
  }

  /** The body (a copy). */
  public byte[] body() {
    return body.clone();
  }

  /** True if the proxy closes the connection after this response. */
  public boolean closesConnection() {
    return close;
  }

  /** The bytes on the wire; for a HEAD request, without the body. */
  byte[] encode(boolean headRequest, boolean forceClose) {
    StringBuilder h = new StringBuilder();
    h.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
    for (Map.Entry<String, String> e : headers) {
      h.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
    }
    boolean noBody = status < 200 || status == 204 || status == 304;
    if (!noBody) {
      h.append("Content-Length: ").append(body.length).append("\r\n");
    }
    if (close || forceClose) {
      h.append("Connection: close\r\n");
    }
    h.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!headRequest && !noBody) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 408 -> "Request Timeout";
      case 416 -> "Range Not Satisfiable";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Status " + status;
    };
  }

  @Override
  public String toString() {
    return status + " " + reason + " " + headers + " (" + body.length + " body bytes)";
  }
}
