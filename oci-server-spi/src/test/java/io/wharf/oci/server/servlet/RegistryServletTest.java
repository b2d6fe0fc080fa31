package io.wharf.oci.server.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.server.transport.TestHandler;
import io.wharf.oci.server.transport.TransportContract;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

class RegistryServletTest extends TransportContract {

  Server jetty;

  /** Whether the container looks like Servlet 6.0 and the servlet takes its byte-array path. */
  boolean servlet60() {
    return false;
  }

  @Override
  protected URI start(TestHandler handler) throws Exception {
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(5_000);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new RegistryServlet(handler, !servlet60())), "/*");
    if (servlet60()) {
      Servlet60.install(context);
    }
    jetty.setHandler(context);
    jetty.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @Override
  protected void stop() throws Exception {
    jetty.stop();
  }

  @Test
  void servletApiOnTheTestClassPathHasByteBufferWrites() {
    // Servlet 6.1: the base tests take the ByteBuffer path, the Servlet 6.0 subclass the other.
    assertThat(RegistryServlet.BYTE_BUFFER_WRITES).isTrue();
  }
}
