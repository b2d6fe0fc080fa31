package io.wharf.oci.server.jdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.ResponseBody;
import io.wharf.oci.server.transport.BodyPermits;
import io.wharf.oci.server.transport.TransportSupport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps one {@link HttpExchange} to a {@link RegistryRequest} and writes the response back. */
final class ExchangeAdapter implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(JdkHttpTransport.class);

  private final RegistryHandler handler;
  private final StallWatchdog watchdog;
  private final BodyPermits bodies;

  ExchangeAdapter(RegistryHandler handler, StallWatchdog watchdog, BodyPermits bodies) {
    this.handler = handler;
    this.watchdog = watchdog;
    this.bodies = bodies;
  }

  @Override
  public void handle(HttpExchange exchange) {
    // The request line and headers are in: from now on nothing cuts the exchange for being slow to
    // arrive, only the stall watchdog for making no progress.
    HeaderDeadline.handlerReached();
    long start = System.nanoTime();
    String methodName = exchange.getRequestMethod();
    String rawPath = exchange.getRequestURI().getRawPath();
    if (rawPath == null) {
      rawPath = "";
    }
    String rawQuery = exchange.getRequestURI().getRawQuery();
    StallWatchdog.Guard guard = watchdog.guard(exchange::close);
    Outcome outcome = new Outcome();
    com.sun.net.httpserver.Headers requestHeaders = exchange.getRequestHeaders();
    boolean withBody =
        BodyPermits.hasBody(
            requestHeaders.getFirst("Content-Length"),
            requestHeaders.containsKey("Transfer-Encoding"));
    Optional<InetAddress> client =
        Optional.ofNullable(exchange.getRemoteAddress()).map(InetSocketAddress::getAddress);
    boolean overloaded = ServerExecutor.overloaded();
    boolean permitted = false;
    // A body refused (the server is overloaded, or the body limits are reached) is never read:
    // the connection is closed after the answer.
    InputStream body =
        withBody && (overloaded || !(permitted = bodies.tryAcquire(client)))
            ? null
            : guard.in(exchange.getRequestBody());
    try {
      boolean head = false;
      RegistryResponse response;
      if (overloaded) {
        response = TransportSupport.unavailable("too many requests in progress; retry later");
      } else if (body == null) {
        response = BodyPermits.refused();
      } else {
        Optional<HttpMethod> method = TransportSupport.method(methodName);
        if (method.isEmpty()) {
          response = TransportSupport.methodNotAllowed(methodName);
        } else {
          head = method.get() == HttpMethod.HEAD;
          response = handle(method.get(), rawPath, rawQuery, exchange, body);
        }
      }
      outcome.response = response;
      send(exchange, head, response, body, guard, outcome);
    } catch (IOException | RuntimeException e) {
      outcome.broken = true;
      if (guard.aborted()) {
        LOG.debug("{} {}: {}", methodName, rawPath, e.getMessage());
      } else if (e instanceof IOException) {
        LOG.debug("{} {}: exchange broken", methodName, rawPath, e);
      } else {
        LOG.warn("{} {}: handler failed while writing the response", methodName, rawPath, e);
      }
    } finally {
      if (permitted) {
        bodies.release(client);
      }
      // Without a response sent, close() closes the connection; with the body short, closing the
      // fixed-length stream fails and closes the connection: either way the client sees the break.
      // After a response, the JDK reads what is left of the request body (up to 64 KiB): under
      // the guard, so that a client that trickles it is cut too.
      try {
        if (body == null) {
          closeUnread(exchange);
        } else {
          guard.run(exchange::close);
        }
      } catch (IOException e) {
        LOG.debug("{} {}: closing the exchange: {}", methodName, rawPath, e.toString());
      } finally {
        guard.close();
        exchange.close();
      }
      TransportSupport.logRequest(
          LOG,
          methodName,
          rawPath,
          outcome.broken ? -1 : outcome.status,
          outcome.bytes,
          System.nanoTime() - start,
          outcome.response);
    }
  }

  /**
   * Closes an exchange whose request body was refused unread, without the JDK's reading of what is
   * left of it (up to 64 KiB, which a trickling client sends as slowly as it likes): a channel read
   * on an interrupted thread closes the connection at once, as in {@link HeaderDeadline}. The
   * answer has gone out before.
   */
  private static void closeUnread(HttpExchange exchange) {
    Thread.currentThread().interrupt();
    try {
      exchange.close();
    } finally {
      Thread.interrupted();
    }
  }

  private RegistryResponse handle(
      HttpMethod method, String rawPath, String rawQuery, HttpExchange exchange, InputStream body)
      throws IOException {
    String path;
    try {
      path = TransportSupport.decodePath(rawPath);
    } catch (TransportSupport.RefusedPathException e) {
      return e.response();
    }
    RegistryRequest request =
        new RegistryRequest(
            method,
            path,
            rawQuery == null ? "" : rawQuery,
            Headers.of(exchange.getRequestHeaders()),
            body,
            Optional.ofNullable(exchange.getRemoteAddress()));
    try {
      return handler.handle(request);
    } catch (IOException | RuntimeException e) {
      return TransportSupport.handlerFailed(LOG, method, rawPath, e);
    }
  }

  private static void send(
      HttpExchange exchange,
      boolean head,
      RegistryResponse response,
      @Nullable InputStream requestBody,
      StallWatchdog.Guard guard,
      Outcome outcome)
      throws IOException {
    // Finish with the request first, so that closing the exchange later never blocks. What the
    // handler left unread (an answer given early: a refusal, a full disk) is read and dropped, up
    // to a bound: the JDK drains only 64 KiB itself and then closes the connection with bytes
    // unread, which sends a TCP reset that can destroy the answer before the client reads it.
    // A body refused for the body limits is not read: the answer closes the connection.
    if (requestBody != null) {
      TransportSupport.drain(requestBody);
      requestBody.close();
    }
    com.sun.net.httpserver.Headers out = exchange.getResponseHeaders();
    for (Map.Entry<String, List<String>> e : response.headers().asMap().entrySet()) {
      String name = e.getKey();
      if (TransportSupport.isFramingHeader(name)
          && !(head && name.equalsIgnoreCase("Content-Length"))) {
        continue;
      }
      for (String value : e.getValue()) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || name.indexOf(':') >= 0) {
          throw new IllegalStateException("response header " + name + " has a line break");
        }
      }
      out.put(name, new ArrayList<>(e.getValue()));
    }
    int status = response.status();
    Optional<ResponseBody> body = response.body();
    long length = body.map(ResponseBody::contentLength).orElse(-1L);
    outcome.status = status;
    if (head) {
      // HttpServer refuses a length for HEAD and adds none itself: the GET's header goes as is.
      if (!response.headers().has("Content-Length") && length >= 0) {
        out.set("Content-Length", Long.toString(length));
      }
      guard.run(() -> exchange.sendResponseHeaders(status, -1));
    } else if (body.isPresent() && length > 0 && bodyAllowed(status)) {
      // 0 would mean chunked to HttpServer: only a positive exact length is passed.
      guard.run(() -> exchange.sendResponseHeaders(status, length));
      StallWatchdog.Guard.CountingStream stream = guard.out(exchange.getResponseBody());
      try {
        body.get().writeTo(stream);
        stream.flush();
      } finally {
        outcome.bytes = stream.count();
      }
      if (stream.count() != length) {
        throw new IOException(
            "the body wrote " + stream.count() + " bytes, its length is " + length);
      }
    } else {
      guard.run(() -> exchange.sendResponseHeaders(status, -1));
    }
  }

  private static boolean bodyAllowed(int status) {
    return status >= 200 && status != 204 && status != 304;
  }

  /** What happened, for the log line. */
  private static final class Outcome {
    @Nullable RegistryResponse response;
    int status;
    long bytes;
    boolean broken;
  }
}
