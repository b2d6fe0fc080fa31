package io.wharf.oci.server.servlet;

import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.ResponseBody;
import io.wharf.oci.server.transport.BodyPermits;
import io.wharf.oci.server.transport.TransportSupport;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link RegistryHandler} from a Jakarta Servlet 6 container. Map it to {@code /*} (or
 * {@code /v2/*}) of a context: the handler sees the request path after the context path, so a
 * registry mounted in context {@code /registry} answers {@code /registry/v2/...}. Bodies stream
 * both ways; nothing is buffered. Timeouts, header limits and threads are the container's (for
 * Jetty, the connector's idle timeout bounds a stalled client).
 *
 * <p>The adapter answers by itself: 405 with an OCI {@code UNSUPPORTED} error for methods the
 * distribution API does not use, and 400 or 404 for paths that {@link
 * TransportSupport#decodePath(String)} refuses (containers may refuse such paths first, with their
 * own error pages: configure the container to pass them on, as {@code wharf serve} does with
 * Jetty's {@code UriCompliance.UNSAFE}, or give it an error handler that writes the spec's JSON). A
 * failure before the response is committed is answered with the spec's JSON error (500 {@code
 * UNKNOWN}), never with the container's error page, which would show the exception's text. A
 * failure once the body is under way goes to the container, which aborts the connection; a body cut
 * short is never passed off as complete. Connections that the client breaks are logged at DEBUG.
 *
 * <p><b>Slow and hostile clients.</b> A request body is read in blocking mode, which holds a
 * container thread until the client has sent it. The adapter receives at most {@link
 * #DEFAULT_MAX_BODIES} request bodies at once ({@value #DEFAULT_MAX_BODIES}), and at most {@link
 * #DEFAULT_MAX_BODIES_PER_CLIENT} ({@value #DEFAULT_MAX_BODIES_PER_CLIENT}) from one client
 * address; more are answered at once with 429 {@code TOOMANYREQUESTS} and {@code Retry-After},
 * without reading their bodies, so that requests without a body ({@code GET}, {@code HEAD}) keep
 * threads to run on. Keep the total below the container's thread count. A minimum data rate and
 * idle timeouts are the container's (Jetty 12: {@code MinimumDataRateHandler}, the connector's idle
 * timeout).
 *
 * <p><b>Memory.</b> Bodies go to the container in writes of at most 64 KiB: the JDK sends a heap
 * buffer to a socket through a temporary direct buffer as large as the write, cached per thread, so
 * a manifest of 4 MiB written at once cost each container thread 4 MiB of direct memory.
 *
 * <p><b>Servlet 6.0 and 6.1.</b> Both work. With Servlet 6.1 ({@code
 * ServletOutputStream.write(ByteBuffer)}: Jetty 12.1 ee11, Tomcat 11, or Jetty 12 ee10 with the 6.1
 * API on the class path) response bodies go to the container as {@code ByteBuffer}s, so a blob read
 * into a direct buffer is not copied through a byte array. With Servlet 6.0 (Jetty 12.0 and 12.1
 * ee10 with the API version they bring, Tomcat 10.1, Spring Boot 3), which lacks that method, they
 * are copied through one byte array per response of at most 128 KiB (less for a smaller body).
 * Which one is looked up once, when this class is loaded.
 */
public class RegistryServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RegistryServlet.class);

  /** Largest byte array a response body is copied through when the API lacks ByteBuffer writes. */
  static final int COPY_BUFFER = TransportSupport.MAX_WRITE;

  /** Default bound on request bodies received at once. */
  public static final int DEFAULT_MAX_BODIES = 64;

  /** Default bound on request bodies received at once from one client address. */
  public static final int DEFAULT_MAX_BODIES_PER_CLIENT = 16;

  /**
   * Whether the servlet API in use has {@code ServletOutputStream.write(ByteBuffer)} (Servlet 6.1).
   * The call is compiled in; on Servlet 6.0 it would fail with {@link NoSuchMethodError}.
   */
  static final boolean BYTE_BUFFER_WRITES = hasByteBufferWrites();

  /** The handler; servlets are serializable in principle, registries are not. */
  private final transient RegistryHandler handler;

  /** Whether bodies go out through {@code ServletOutputStream.write(ByteBuffer)}. */
  private final boolean byteBufferWrites;

  /** Bounds the request bodies received at once. */
  private final transient BodyPermits bodies;

  /**
   * A servlet serving {@code handler}, receiving at most {@value #DEFAULT_MAX_BODIES} request
   * bodies at once, {@value #DEFAULT_MAX_BODIES_PER_CLIENT} from one client address.
   */
  public RegistryServlet(RegistryHandler handler) {
    this(handler, DEFAULT_MAX_BODIES_PER_CLIENT, DEFAULT_MAX_BODIES);
  }

  /**
   * A servlet serving {@code handler}, receiving at most {@code maxBodies} request bodies at once,
   * {@code maxBodiesPerClient} from one client address; more are answered 429 at once.
   *
   * @throws IllegalArgumentException when a bound is below 1
   */
  public RegistryServlet(RegistryHandler handler, int maxBodiesPerClient, int maxBodies) {
    this(handler, true, new BodyPermits(maxBodiesPerClient, maxBodies));
  }

  /**
   * A servlet serving {@code handler}; with {@code byteBufferWrites} false, bodies are copied
   * through a byte array even when the API could take {@code ByteBuffer}s (for tests).
   */
  RegistryServlet(RegistryHandler handler, boolean byteBufferWrites) {
    this(
        handler,
        byteBufferWrites,
        new BodyPermits(DEFAULT_MAX_BODIES_PER_CLIENT, DEFAULT_MAX_BODIES));
  }

  private RegistryServlet(RegistryHandler handler, boolean byteBufferWrites, BodyPermits bodies) {
    this.handler = Objects.requireNonNull(handler, "handler");
    this.byteBufferWrites = byteBufferWrites && BYTE_BUFFER_WRITES;
    this.bodies = bodies;
  }

  private static boolean hasByteBufferWrites() {
    try {
      ServletOutputStream.class.getMethod("write", ByteBuffer.class);
      return true;
    } catch (NoSuchMethodException e) {
      LOG.debug(
          "the servlet API has no ServletOutputStream.write(ByteBuffer) (Servlet 6.0):"
              + " response bodies are copied through a byte array");
      return false;
    }
  }

  /** Handles every method, so that {@code PATCH} and unknown methods reach the adapter. */
  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    long start = System.nanoTime();
    String methodName = req.getMethod();
    String rawPath = rawPath(req);
    long[] sent = {0};
    int status = -1;
    RegistryResponse response = null;
    try {
      Optional<HttpMethod> method = TransportSupport.method(methodName);
      boolean head = method.isPresent() && method.get() == HttpMethod.HEAD;
      if (method.isEmpty()) {
        response = TransportSupport.methodNotAllowed(methodName);
      } else {
        response = handle(method.get(), rawPath, req);
      }
      send(resp, head, response, sent, byteBufferWrites);
      status = response.status();
    } catch (IOException | RuntimeException e) {
      if (!resp.isCommitted()) {
        // Nothing has gone out yet: the spec's JSON error, not the container's error page (which
        // would show the exception's text, a path or "No space left on device").
        if (!TransportSupport.isClientGone(e)) {
          LOG.error("{} {}: failed before answering", methodName, rawPath, e);
        }
        response = TransportSupport.internalError();
        try {
          resp.reset();
          send(resp, false, response, sent, false);
          status = response.status();
          return;
        } catch (IOException | RuntimeException again) {
          e.addSuppressed(again);
        }
      }
      // The connection failed (the client went away, or the container refused to read or
      // write), or the body broke off: the container drops the connection, and the request log
      // line that follows shows status -1.
      LOG.debug("{} {}: request failed on its connection: {}", methodName, rawPath, e.toString());
      throw e;
    } finally {
      TransportSupport.logRequest(
          LOG, methodName, rawPath, status, sent[0], System.nanoTime() - start, response);
    }
  }

  private RegistryResponse handle(HttpMethod method, String rawPath, HttpServletRequest req)
      throws IOException {
    String path;
    try {
      path = TransportSupport.decodePath(rawPath);
    } catch (TransportSupport.RefusedPathException e) {
      return e.response();
    }
    Headers.Builder headers = Headers.builder();
    for (String name : Collections.list(req.getHeaderNames())) {
      for (String value : Collections.list(req.getHeaders(name))) {
        headers.add(name, value);
      }
    }
    Optional<InetSocketAddress> client = clientAddress(req);
    Optional<InetAddress> clientHost = client.map(InetSocketAddress::getAddress);
    boolean withBody =
        BodyPermits.hasBody(
            req.getHeader("Content-Length"), req.getHeader("Transfer-Encoding") != null);
    if (withBody && !bodies.tryAcquire(clientHost)) {
      return BodyPermits.refused();
    }
    try {
      return handle(method, rawPath, req, path, headers.build(), client);
    } finally {
      if (withBody) {
        bodies.release(clientHost);
      }
    }
  }

  private RegistryResponse handle(
      HttpMethod method,
      String rawPath,
      HttpServletRequest req,
      String path,
      Headers headers,
      Optional<InetSocketAddress> client)
      throws IOException {
    String query = req.getQueryString();
    try (InputStream body = req.getInputStream()) {
      RegistryRequest request =
          new RegistryRequest(method, path, query == null ? "" : query, headers, body, client);
      RegistryResponse response;
      try {
        response = handler.handle(request);
      } catch (IOException | RuntimeException e) {
        response = TransportSupport.handlerFailed(LOG, method, rawPath, e);
      }
      TransportSupport.drain(body);
      return response;
    }
  }

  private static void send(
      HttpServletResponse resp,
      boolean head,
      RegistryResponse response,
      long[] sent,
      boolean byteBufferWrites)
      throws IOException {
    resp.setStatus(response.status());
    for (Map.Entry<String, List<String>> e : response.headers().asMap().entrySet()) {
      String name = e.getKey();
      if (TransportSupport.isFramingHeader(name)
          && !(head && name.equalsIgnoreCase("Content-Length"))) {
        continue;
      }
      for (String value : e.getValue()) {
        resp.addHeader(name, value);
      }
    }
    Optional<ResponseBody> body = response.body();
    if (head) {
      if (!response.headers().has("Content-Length") && body.isPresent()) {
        resp.setContentLengthLong(body.get().contentLength());
      }
      return;
    }
    int status = response.status();
    if (body.isEmpty() || status < 200 || status == 204 || status == 304) {
      resp.setContentLengthLong(0);
      return;
    }
    long length = body.get().contentLength();
    resp.setContentLengthLong(length);
    ServletOutputStream out = resp.getOutputStream();
    if (byteBufferWrites) {
      body.get().transferTo(new ByteBufferChannel(out, sent));
    } else {
      ArrayChannel channel = new ArrayChannel(out, sent, length);
      body.get().transferTo(channel);
      channel.drain();
    }
    if (sent[0] != length) {
      throw new IOException("the body wrote " + sent[0] + " bytes, its length is " + length);
    }
    out.flush();
  }

  /**
   * A channel over {@code ServletOutputStream.write(ByteBuffer)} (Servlet 6.1): a blob read into a
   * direct buffer goes to the container without a copy through a byte array.
   */
  static final class ByteBufferChannel implements WritableByteChannel {
    private final ServletOutputStream out;
    private final long[] sent;

    ByteBufferChannel(ServletOutputStream out, long[] sent) {
      this.out = out;
      this.sent = sent;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = src.remaining();
      if (src.isDirect() || n <= TransportSupport.MAX_WRITE) {
        out.write(src);
      } else {
        // A heap buffer reaches the socket through a temporary direct buffer of its size, cached
        // per thread: hand it over in bounded slices.
        ByteBuffer slice = src.duplicate();
        for (int at = src.position(); at < src.limit(); at += TransportSupport.MAX_WRITE) {
          slice.limit(Math.min(src.limit(), at + TransportSupport.MAX_WRITE)).position(at);
          out.write(slice);
        }
      }
      src.position(src.limit());
      sent[0] += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  /**
   * A channel that writes through one byte array (Servlet 6.0, which has no {@code
   * write(ByteBuffer)}): small buffers are gathered into it, so that the container sees few large
   * writes; a large heap buffer goes straight from its array, in writes no larger than the buffer.
   * {@link #drain()} writes what is left.
   */
  static final class ArrayChannel implements WritableByteChannel {
    private final ServletOutputStream out;
    private final long[] sent;
    private final int capacity;
    private byte @Nullable [] buffer;
    private int pending;

    ArrayChannel(ServletOutputStream out, long[] sent, long length) {
      this.out = out;
      this.sent = sent;
      this.capacity = (int) Math.max(1, Math.min(COPY_BUFFER, length));
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = src.remaining();
      while (src.hasRemaining()) {
        if (pending == 0 && src.hasArray() && src.remaining() >= capacity) {
          int k = capacity;
          out.write(src.array(), src.arrayOffset() + src.position(), k);
          src.position(src.position() + k);
          sent[0] += k;
          continue;
        }
        byte[] b = buffer;
        if (b == null) {
          b = new byte[capacity];
          buffer = b;
        }
        int k = Math.min(src.remaining(), capacity - pending);
        src.get(b, pending, k);
        pending += k;
        if (pending == capacity) {
          drain();
        }
      }
      return n;
    }

    /** Writes the gathered bytes. */
    void drain() throws IOException {
      byte[] b = buffer;
      if (pending > 0 && b != null) {
        out.write(b, 0, pending);
        sent[0] += pending;
        pending = 0;
      }
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  /** The client's address as the container reports it (a proxy's, behind one). */
  private static Optional<InetSocketAddress> clientAddress(HttpServletRequest req) {
    String address = req.getRemoteAddr();
    if (address == null || address.isEmpty() || !isIpLiteral(address)) {
      return Optional.empty();
    }
    try {
      // An IP literal: InetAddress parses it without a name lookup.
      return Optional.of(
          new InetSocketAddress(InetAddress.getByName(address), req.getRemotePort()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean isIpLiteral(String address) {
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (Character.digit(c, 16) < 0 && c != '.' && c != ':' && c != '[' && c != ']') {
        return false;
      }
    }
    return true;
  }

  /** The request path after the context path, still encoded. */
  private static String rawPath(HttpServletRequest req) {
    String uri = req.getRequestURI();
    String context = req.getContextPath();
    if (uri == null) {
      return "";
    }
    return !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
  }
}
