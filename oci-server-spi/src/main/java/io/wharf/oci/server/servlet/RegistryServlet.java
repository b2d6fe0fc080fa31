package io.wharf.oci.server.servlet;

import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.ResponseBody;
import io.wharf.oci.server.transport.TransportSupport;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * TransportSupport#decodePath(String)} refuses (containers may refuse such paths first). When the
 * handler throws {@link IOException}, the exception goes to the container, which aborts the
 * connection; a body cut short is never passed off as complete.
 */
public class RegistryServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RegistryServlet.class);

  /** The handler; servlets are serializable in principle, registries are not. */
  private final transient RegistryHandler handler;

  /** A servlet serving {@code handler}. */
  public RegistryServlet(RegistryHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /** Handles every method, so that {@code PATCH} and unknown methods reach the adapter. */
  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    long start = System.nanoTime();
    String methodName = req.getMethod();
    String rawPath = rawPath(req);
    long[] sent = {0};
    int status = -1;
    try {
      Optional<HttpMethod> method = TransportSupport.method(methodName);
      boolean head = method.isPresent() && method.get() == HttpMethod.HEAD;
      RegistryResponse response;
      if (method.isEmpty()) {
        response = TransportSupport.methodNotAllowed(methodName);
      } else {
        response = handle(method.get(), rawPath, req);
      }
      send(resp, head, response, sent);
      status = response.status();
    } catch (IOException e) {
      // The connection failed (the client went away, or the container refused to read or
      // write): the container answers or drops it; the request log line shows status -1.
      // The request log line that follows names the path.
      LOG.info("request failed on its connection: {}", e.toString());
      throw e;
    } finally {
      TransportSupport.logRequest(
          LOG, methodName, rawPath, status, sent[0], System.nanoTime() - start);
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
    String query = req.getQueryString();
    try (InputStream body = req.getInputStream()) {
      RegistryRequest request =
          new RegistryRequest(method, path, query == null ? "" : query, headers.build(), body);
      try {
        return handler.handle(request);
      } catch (RuntimeException e) {
        LOG.warn("{} {}: handler failed", method, rawPath, e);
        return TransportSupport.internalError();
      }
    }
  }

  private static void send(
      HttpServletResponse resp, boolean head, RegistryResponse response, long[] sent)
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
    // A channel over ServletOutputStream.write(ByteBuffer) (Servlet 6.1): a blob read into a
    // direct buffer goes to the container without a copy through a byte array.
    WritableByteChannel channel =
        new WritableByteChannel() {
          @Override
          public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            out.write(src);
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
        };
    body.get().transferTo(channel);
    if (sent[0] != length) {
      throw new IOException("the body wrote " + sent[0] + " bytes, its length is " + length);
    }
    out.flush();
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
