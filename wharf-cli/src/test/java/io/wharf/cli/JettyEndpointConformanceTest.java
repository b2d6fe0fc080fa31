package io.wharf.cli;

import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryConformanceAdapter;
import io.wharf.oci.server.RegistryHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The registry conformance contract (end-1 … end-14, isolation between repositories, concurrent
 * clients) over the Jetty endpoint {@code wharf serve} runs, configured as the program configures
 * it. One endpoint serves the whole class, each test's registry in turn: a stop waits for idle
 * keep-alive connections, which would cost seconds a test.
 */
class JettyEndpointConformanceTest extends RegistryConformanceAdapter {

  private static final AtomicReference<RegistryHandler> current = new AtomicReference<>();
  private static JettyEndpoint jetty;

  @BeforeAll
  static void startJetty() throws IOException {
    jetty =
        JettyEndpoint.start(
            request -> current.get().handle(request), new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterAll
  static void stopJetty() {
    jetty.close();
  }

  @Override
  protected void start(Registry registry) {
    current.set(registry);
    serveAt(URI.create("http://127.0.0.1:" + jetty.port()));
  }

  @Override
  protected void stop() {
    current.set(null);
  }
}
