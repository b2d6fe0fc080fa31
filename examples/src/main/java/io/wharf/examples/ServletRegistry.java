package io.wharf.examples;

import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.servlet.RegistryServlet;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry served by {@link RegistryServlet} in Jetty 12.0 (ee10, Servlet 6.0): how to put Wharf
 * into a servlet container, next to an application's own servlets.
 *
 * <p><b>Where to map it.</b> OCI clients (docker, podman, skopeo, {@code RegistryClient}) know a
 * registry by {@code host[:port]} alone and always ask for {@code /v2/...} at the root of it: an
 * image reference has no place for a path prefix. So the servlet is mapped to {@code /v2/*} in the
 * root context ({@code /}). The servlet hands the registry the path after the context path, here
 * the whole path, {@code /v2/...}; every other path of the context stays free for the application.
 * Mounted in a context such as {@code /registry}, it would answer {@code /registry/v2/...}, which
 * no OCI client asks for (only a reverse proxy that rewrites {@code /v2/} to {@code /registry/v2/}
 * could use it).
 *
 * <p><b>Servlet 6.0.</b> The servlet runs on Servlet 6.0 and 6.1 alike. Jetty 12.0 ee10, Tomcat
 * 10.1 and Spring Boot 3 bring 6.0, whose {@code ServletOutputStream} has no {@code
 * write(ByteBuffer)}; the servlet then copies response bodies through one byte array of at most 128
 * KiB. This module builds against Jetty 12.0 and {@code jakarta.servlet-api} 6.0.0 to keep that
 * path tested.
 */
public final class ServletRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServletRegistry.class);

  private final Server server;
  private final ServerConnector connector;

  private ServletRegistry(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Serves {@code registry} on {@code address} (port 0 picks a free port) with Jetty's defaults
   * (among them a 30 s idle timeout, which bounds a client that stalls mid-request). Closing the
   * result stops Jetty; the registry stays open.
   *
   * @throws IOException when Jetty cannot start, for example because the address is taken
   */
  public static ServletRegistry start(RegistryHandler registry, InetSocketAddress address)
      throws IOException {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new RegistryServlet(registry), "/v2/*");
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      IOException failure = new IOException("Jetty did not start: " + e.getMessage(), e);
      try {
        server.stop();
      } catch (Exception stopFailure) {
        failure.addSuppressed(stopFailure);
      }
      throw failure;
    }
    return new ServletRegistry(server, connector);
  }

  /** The base URI, {@code http://host:port}. */
  public URI uri() {
    return URI.create("http://" + connector.getHost() + ":" + port());
  }

  /** The port Jetty listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The version of Jetty serving the registry, such as {@code 12.0.39}. */
  public static String jettyVersion() {
    return Server.getVersion();
  }

  /** Stops Jetty, letting requests in flight finish. The registry stays open. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping Jetty failed", e);
    }
  }

  /**
   * Serves an open registry (no authentication: anyone on this machine may push) on {@code
   * 127.0.0.1:5000} (or the port in the second argument) with its data in {@code ./wharf-data} (or
   * the folder in the first argument), until the process is stopped (Ctrl-C, SIGTERM).
   */
  public static void main(String[] args) throws IOException {
    Path data = Path.of(args.length > 0 ? args[0] : "wharf-data");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    RegistryStorage storage = LocalStorage.open(data);
    Registry registry = Registry.builder(storage).build();
    ServletRegistry jetty = start(registry, new InetSocketAddress("127.0.0.1", port));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  jetty.close();
                  registry.close();
                  try {
                    storage.close();
                  } catch (IOException e) {
                    log.warn("closing the storage failed", e);
                  }
                },
                "registry-shutdown"));
    log.info("serving {} on Jetty {} with its data in {}", jetty.uri(), jettyVersion(), data);
    // Jetty's threads keep the process running after main returns.
  }
}
