package io.wharf.oci.server.transport;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.RegistryResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The checks and responses every transport shares, so that the JDK server and the servlet adapter
 * refuse the same requests in the same words. For transport implementations, not for applications.
 */
public final class TransportSupport {

  /**
   * The most bytes a transport hands to a socket (or to a container's output) in one call: 64 KiB.
   * The JDK writes a heap buffer to a socket through a temporary direct buffer of the same size,
   * which it keeps for the thread ({@code sun.nio.ch.Util}); one write of a 4 MiB manifest per
   * thread made 150 concurrent GETs exhaust direct memory. In pieces of this size, a thread holds
   * at most 64 KiB of direct memory, however large the body.
   */
  public static final int MAX_WRITE = 64 * 1024;

  /** The longest request path accepted, in characters of the raw (encoded) path. */
  public static final int MAX_PATH_LENGTH = 8192;

  private static final int MAX_LOGGED_PATH = 512;

  private TransportSupport() {}

  /**
   * The method named exactly {@code name} (HTTP methods are case-sensitive), if the distribution
   * API uses it.
   */
  public static Optional<HttpMethod> method(String name) {
    return HttpMethod.lookup(name).filter(m -> m.name().equals(name));
  }

  /**
   * Decodes a raw (percent-encoded) request path. Refused: a path that is empty, does not start
   * with {@code /} or is longer than {@link #MAX_PATH_LENGTH} (400); malformed escapes, escapes
   * that are not UTF-8, NUL or other control characters (400); encoded slashes or backslashes
   * ({@code %2F}, {@code %5C}) and {@code .} or {@code ..} segments (404: no such resource,
   * whatever a proxy in front would make of them).
   *
   * @param rawPath the path as received, without query
   * @return the decoded path
   * @throws RefusedPathException with the response to send when the path is refused
   */
  public static String decodePath(String rawPath) throws RefusedPathException {
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      throw new RefusedPathException(400, ErrorCode.NAME_INVALID, "the path must start with /");
    }
    if (rawPath.length() > MAX_PATH_LENGTH) {
      throw new RefusedPathException(400, ErrorCode.NAME_INVALID, "the path is too long");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        int hi = i + 2 < rawPath.length() ? Character.digit(rawPath.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(rawPath.charAt(i + 2), 16);
        if (lo < 0) {
          throw new RefusedPathException(400, ErrorCode.NAME_INVALID, "malformed %-escape");
        }
        int b = hi * 16 + lo;
        if (b == '/' || b == '\\') {
          throw new RefusedPathException(404, ErrorCode.NAME_UNKNOWN, "encoded slash in path");
        }
        bytes.write(b);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < rawPath.length()) {
          utf8 = rawPath.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.writeBytes(utf8);
      }
    }
    String path;
    try {
      path =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
    } catch (CharacterCodingException e) {
      throw new RefusedPathException(400, ErrorCode.NAME_INVALID, "the path is not UTF-8");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new RefusedPathException(
            400, ErrorCode.NAME_INVALID, "control character in the path");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new RefusedPathException(404, ErrorCode.NAME_UNKNOWN, "dot segment in the path");
      }
    }
    return path;
  }

  /** A response with an OCI error body ({@code {"errors":[{"code":...,"message":...}]}}). */
  public static RegistryResponse error(int status, ErrorCode code, String message) {
    return ErrorResponses.of(status, code, message);
  }

  /**
   * 405 with an {@code UNSUPPORTED} error and an {@code Allow} header listing the API's methods.
   */
  public static RegistryResponse methodNotAllowed(String method) {
    RegistryResponse r =
        error(
            405,
            ErrorCode.UNSUPPORTED,
            "method " + forLog(method, 32) + " is not part of the distribution API");
    String allow =
        Arrays.stream(HttpMethod.values()).map(Enum::name).collect(Collectors.joining(", "));
    return new RegistryResponse(
        r.status(), r.headers().toBuilder().set("Allow", allow).build(), r.body());
  }

  /**
   * 503 with an {@code UNAVAILABLE} error, {@code Retry-After: 1} and {@code Connection: close}:
   * the server is busy or stopping.
   */
  public static RegistryResponse unavailable(String message) {
    return retryLater(503, ErrorCode.UNAVAILABLE, message);
  }

  /**
   * An OCI error with {@code Retry-After: 1} and {@code Connection: close}: a refusal for now, of a
   * request whose body (if any) is not read.
   */
  public static RegistryResponse retryLater(int status, ErrorCode code, String message) {
    RegistryResponse r = error(status, code, message);
    return new RegistryResponse(
        r.status(),
        r.headers().toBuilder().set("Retry-After", "1").set("Connection", "close").build(),
        r.body());
  }

  /** 500 with an {@code UNKNOWN} error: the handler failed before it answered. */
  public static RegistryResponse internalError() {
    return error(500, ErrorCode.UNKNOWN, "internal error");
  }

  /**
   * Whether the transport, not the handler, owns header {@code name}: {@code Content-Length} and
   * {@code Transfer-Encoding} follow from the body the transport sends.
   */
  public static boolean isFramingHeader(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("content-length") || n.equals("transfer-encoding");
  }

  /**
   * Logs one line at INFO: method, path (raw, without query, which may carry tokens; control
   * characters replaced, cut at 512 characters), status, body bytes sent, milliseconds and the
   * request id the engine gave the request ({@code X-Request-Id}; {@code -} when there is none), so
   * that this line, the engine's own log lines and the events of a request can be matched. Headers
   * are never logged.
   */
  public static void logRequest(
      Logger log,
      String method,
      String rawPath,
      int status,
      long bytes,
      long nanos,
      @Nullable RegistryResponse response) {
    if (log.isInfoEnabled()) {
      String id =
          response == null
              ? "-"
              : response.headers().first(REQUEST_ID_HEADER).map(v -> forLog(v, 64)).orElse("-");
      log.info(
          "{} {} {} {}B {}ms {}",
          forLog(method, 32),
          forLog(rawPath, MAX_LOGGED_PATH),
          status,
          bytes,
          nanos / 1_000_000,
          id);
    }
  }

  private static final byte[] DISCARD = new byte[64 * 1024];

  /** The most of an unread request body {@link #drain} reads and drops. */
  public static final long MAX_DRAIN_BYTES = 64L << 20;

  /** The longest {@link #drain} reads. */
  public static final long MAX_DRAIN_NANOS = 2_000_000_000L;

  /**
   * Reads and drops what the handler left of a request body (it answered early: a refusal, a full
   * disk), up to {@link #MAX_DRAIN_BYTES} and {@link #MAX_DRAIN_NANOS}, before the answer is sent.
   * A connection closed with request bytes unread sends a TCP reset, which can destroy the answer
   * before the client has read it; a body larger than the bound still ends that way.
   */
  public static void drain(InputStream body) {
    try {
      // The common case, a body read to its end (or none at all), costs one call.
      if (body.read() < 0) {
        return;
      }
    } catch (IOException e) {
      return;
    }
    // Bytes read here are thrown away, so every thread may share one buffer.
    byte[] buffer = DISCARD;
    long deadline = System.nanoTime() + MAX_DRAIN_NANOS;
    long drained = 1;
    try {
      for (int n;
          drained < MAX_DRAIN_BYTES
              && System.nanoTime() - deadline < 0
              && (n = body.read(buffer)) >= 0; ) {
        drained += n;
      }
    } catch (IOException e) {
      // The client went away: the answer will not reach it either way.
    }
  }

  /**
   * Whether {@code e} (or a cause) says the client went away: an early end of the request body
   * ({@code EOFException}, Jetty's {@code EofException}: "Early EOF"), a closed channel, a broken
   * pipe or a connection reset. Such failures are the client's and are logged at DEBUG.
   */
  public static boolean isClientGone(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.EOFException
          || t instanceof java.nio.channels.ClosedChannelException) {
        return true;
      }
      String m = t.getMessage();
      if (t instanceof IOException
          && m != null
          && (m.contains("Broken pipe")
              || m.contains("Connection reset")
              || m.contains("Early EOF"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The response header the engine puts its request id in. */
  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  /**
   * 500 UNKNOWN (the spec's JSON error) for a handler that threw, logged once here at ERROR. The
   * engine, {@code Registry}, answers its own failures and never throws: this is for other
   * handlers.
   */
  public static RegistryResponse handlerFailed(
      Logger log, Object method, String rawPath, Exception e) {
    log.error("{} {}: the handler failed", method, forLog(rawPath, MAX_LOGGED_PATH), e);
    return internalError();
  }

  private static String forLog(String s, int max) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 3);
    for (int i = 0; i < s.length() && i < max; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (s.length() > max) {
      b.append("...");
    }
    return b.toString();
  }

  /** A request path that is refused, with the response that says why. */
  public static final class RefusedPathException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The response to send. */
    private final transient RegistryResponse response;

    RefusedPathException(int status, ErrorCode code, String message) {
      super(message);
      this.response = error(status, code, message);
    }

    /** The response to send: 400 or 404 with an OCI error body. */
    public RegistryResponse response() {
      return response;
    }
  }
}
