package io.wharf.benchmarks;

import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Authenticator;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.servlet.RegistryServlet;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.local.LocalStorage;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The registry as {@code wharf serve} runs it (the engine on the single-node store, Jetty 12 with
 * 64 KiB input buffers, {@code RegistryServlet}), with the engine's default hooks or with a trivial
 * hook of each kind installed: an authenticator that lets everyone in anonymously, an authorizer
 * and an admission gate that allow everything, and an event listener that counts. The two differ
 * only by the hooks, so {@code run-requests.sh} can put a price on them.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.wharf.benchmarks.BenchRegistry none|trivial PORT
 * DATA}; runs until killed.
 */
public final class BenchRegistry {

  private BenchRegistry() {}

  /** Starts the registry; see the class comment. */
  public static void main(String[] args) throws Exception {
    if (args.length != 3 || !(args[0].equals("none") || args[0].equals("trivial"))) {
      System.err.println("usage: BenchRegistry none|trivial PORT DATA");
      System.exit(2);
    }
    RegistryStorage storage = LocalStorage.open(Path.of(args[2]));
    Registry.Builder builder = Registry.builder(storage);
    AtomicLong events = new AtomicLong();
    if (args[0].equals("trivial")) {
      Authenticator everyone = (request, headers) -> Authentication.anonymous();
      builder
          .authenticator(everyone)
          .authorizer((identity, access) -> Decision.allow())
          .addGate(admission -> Decision.allow())
          .addListener(event -> events.incrementAndGet());
    }
    Registry registry = builder.build();
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    HttpConnectionFactory factory = new HttpConnectionFactory(http);
    factory.setInputBufferSize(64 * 1024);
    ServerConnector connector = new ServerConnector(server, factory);
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[1]));
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new RegistryServlet(registry)), "/*");
    server.setHandler(context);
    server.start();
    System.out.println("BenchRegistry " + args[0] + " on " + connector.getLocalPort());
    server.join();
  }
}
