package io.wharf.cli;

import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.servlet.RegistryServlet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * The HTTP side of {@code wharf serve}: Jetty 12 carrying the registry through {@link
 * RegistryServlet}. The program uses Jetty rather than the JDK's zero-dependency server for two
 * reasons measured with skopeo: Jetty refuses a TLS handshake on its plain-HTTP port at once (so
 * clients that try HTTPS first fall back in milliseconds; the JDK transport cuts the probe only
 * after its header timeout, 1 s by default), and it moves bytes faster under parallel transfers.
 */
final class JettyEndpoint implements AutoCloseable {

  /** How long a client may stay silent mid-request before its connection is closed. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** How long {@link #close()} waits for requests in flight. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /** How long a connection may sit idle once stopping began (Jetty's default is 1 s). */
  static final Duration SHUTDOWN_IDLE_TIMEOUT = Duration.ofSeconds(5);

  private final Server server;
  private final ServerConnector connector;

  private JettyEndpoint(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  static JettyEndpoint start(RegistryHandler handler, InetSocketAddress address)
      throws IOException {
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setRequestHeaderSize(16 * 1024);
    HttpConnectionFactory factory = new HttpConnectionFactory(http);
    // Reads of 64 KiB rather than 8: an upload costs a quarter of the system calls and wake-ups.
    factory.setInputBufferSize(64 * 1024);
    ServerConnector connector = new ServerConnector(server, factory);
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    // On stop Jetty cuts connections idle for 1 s by default, including a request in flight
    // whose client pauses between packets: an upload that paused for a second failed with 500
    // (WharfProgramIT caught it under load). 5 s lets such uploads finish; the price is that
    // idle keep-alive connections, which the same timeout closes, may hold a stop up to 5 s.
    connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new RegistryServlet(handler)), "/*");
    GracefulHandler graceful = new GracefulHandler();
    graceful.setHandler(context);
    server.setHandler(graceful);
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

  /** Stops accepting, lets requests in flight finish (up to {@link #STOP_TIMEOUT}), stops. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the HTTP server failed", e);
    }
  }
}
