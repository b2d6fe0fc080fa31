package io.wharf.cli;

import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.servlet.RegistryServlet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code wharf serve}: Jetty 12 carrying the registry through {@link
 * RegistryServlet}. The program uses Jetty rather than the JDK's zero-dependency server for two
 * reasons measured with skopeo: Jetty refuses a TLS handshake on its plain-HTTP port at once (so
 * clients that try HTTPS first fall back in milliseconds; the JDK transport cuts the probe only
 * after its header timeout, 1 s by default), and it moves bytes faster under parallel transfers.
 *
 * <p><b>Hostile and unlucky clients.</b> Jetty runs at most {@link #MAX_THREADS} request threads.
 * The registry servlet receives at most {@link HttpLimits#maxBodies()} request bodies at once,
 * {@link HttpLimits#maxBodiesPerClient()} from one client address, and answers more with 429 and
 * {@code Retry-After} without reading them, so that the other threads stay for requests without a
 * body. A request body slower than {@link HttpLimits#minBodyRate()} bytes per second ({@link
 * MinimumBodyRate}, checked as its bytes arrive once 5 s have passed) fails its read: an upload
 * keeps what arrived and is answered 400, and a client that sends nothing at all is cut by the idle
 * timeout. Every answer Jetty gives itself (a request line or headers too long: 414, 431; a bad
 * request) is the distribution spec's JSON error, without exception text ({@link JsonErrors});
 * paths with encoded slashes, dot segments or NUL reach the registry servlet, which refuses them in
 * JSON too. Response bodies go to Jetty in writes of at most 64 KiB, so that no thread caches a
 * direct buffer larger than that.
 */
final class JettyEndpoint implements AutoCloseable {

  /** How long a client may stay silent mid-request before its connection is closed. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How long {@link #close()} lets requests in flight finish before it closes their connections: 5
   * s.
   */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  /** The most request threads. */
  static final int MAX_THREADS = 200;

  private static final Logger log = LoggerFactory.getLogger(JettyEndpoint.class);

  /**
   * How long a connection may sit idle once stopping began (Jetty's default is 1 s); shorter than
   * {@link #STOP_TIMEOUT}, so that idle keep-alive connections never hold the stop to its end.
   */
  static final Duration SHUTDOWN_IDLE_TIMEOUT = Duration.ofSeconds(2);

  private final Server server;
  private final ServerConnector connector;

  private JettyEndpoint(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  static JettyEndpoint start(RegistryHandler handler, InetSocketAddress address)
      throws IOException {
    return start(handler, address, HttpLimits.defaults());
  }

  static JettyEndpoint start(RegistryHandler handler, InetSocketAddress address, HttpLimits limits)
      throws IOException {
    return startFor(port -> handler, address, limits);
  }

  /**
   * Binds {@code address}, then serves the handler {@code handlerForPort} makes for the port bound
   * (a token service's realm names it, which for port 0 is known only now).
   */
  static JettyEndpoint startFor(
      IntFunction<RegistryHandler> handlerForPort, InetSocketAddress address, HttpLimits limits)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8);
    threads.setName("wharf-http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setRequestHeaderSize(16 * 1024);
    // Jetty learns the header fields a connection repeats, in a trie it walks byte by byte for
    // every field of every later request; with a bearer token (a kilobyte, the same on every
    // request) that walk was a sixth of a manifest GET's time. No field cache: known fields are
    // still matched by Jetty's static table.
    http.setHeaderCacheSize(0);
    // Encoded slashes, dot segments, NUL and empty segments reach the registry servlet, which
    // refuses what it must with the spec's JSON error instead of Jetty's page.
    http.setUriCompliance(UriCompliance.UNSAFE);
    HttpConnectionFactory factory = new HttpConnectionFactory(http);
    // Reads of 64 KiB rather than 8: an upload costs a quarter of the system calls and wake-ups.
    factory.setInputBufferSize(64 * 1024);
    ServerConnector connector = new ServerConnector(server, factory);
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    // On stop Jetty cuts connections idle for 1 s by default, including a request in flight
    // whose client pauses between packets: an upload that paused for a second failed with 500
    // (WharfProgramIT caught it under load). 2 s lets such uploads finish; the price is that
    // idle keep-alive connections, which the same timeout closes, may hold a stop up to 2 s.
    connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    RegistryHandler handler;
    try {
      connector.open();
      handler = handlerForPort.apply(connector.getLocalPort());
    } catch (IOException | RuntimeException e) {
      stopQuietly(server, e);
      throw e;
    }
    ServletContextHandler context = new ServletContextHandler("/");
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    context.addServlet(
        new ServletHolder(
            new RegistryServlet(handler, limits.maxBodiesPerClient(), limits.maxBodies())),
        "/*");
    context.setErrorHandler(new JsonErrors());
    GracefulHandler graceful = new GracefulHandler();
    graceful.setHandler(new MinimumBodyRate(context, limits.minBodyRate()));
    server.setHandler(graceful);
    server.setErrorHandler(new JsonErrors());
    server.setStopTimeout(STOP_TIMEOUT.toMillis());
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly(server, e);
      throw e;
    } catch (Exception e) {
      IOException io = new IOException("could not start the HTTP server: " + e.getMessage(), e);
      stopQuietly(server, io);
      throw io;
    }
    return new JettyEndpoint(server, connector);
  }

  private static void stopQuietly(Server server, Exception cause) {
    try {
      server.stop();
    } catch (Exception e) {
      cause.addSuppressed(e);
    }
  }

  int port() {
    return connector.getLocalPort();
  }

  /**
   * Stops accepting, lets requests in flight finish for up to {@link #STOP_TIMEOUT}, then closes
   * the connections of those still running (an upload cut so keeps the bytes that arrived, and its
   * client can resume it) and stops. Requests cut at the deadline are no failure of the stop.
   *
   * @throws IllegalStateException when Jetty could not be stopped
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (TimeoutException e) {
      stoppedAfterDeadline(e);
    } catch (Exception e) {
      if (e.getCause() instanceof TimeoutException t) {
        stoppedAfterDeadline(t);
        return;
      }
      throw new IllegalStateException("stopping the HTTP server failed", e);
    }
  }

  private void stoppedAfterDeadline(TimeoutException e) {
    // Jetty stops every component after the graceful phase, whether it timed out or not; the
    // server then reports itself failed rather than stopped.
    if (!connector.isStopped()) {
      throw new IllegalStateException("stopping the HTTP server failed", e);
    }
    log.info(
        "requests still in flight after {} s had their connections closed",
        STOP_TIMEOUT.toSeconds());
  }
}
