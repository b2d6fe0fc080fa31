package io.wharf.oci.server.servlet;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryConformanceAdapter;
import java.io.IOException;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The conformance contract over real HTTP in Jetty 12 through {@link RegistryServlet}. */
class ServletRegistryTest extends RegistryConformanceAdapter {

  private Server jetty;
  private URI uri;

  /** Whether the container looks like Servlet 6.0 and the servlet takes its byte-array path. */
  boolean servlet60() {
    return false;
  }

  @Override
  protected void start(Registry registry) throws Exception {
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new RegistryServlet(registry, !servlet60())), "/*");
    if (servlet60()) {
      Servlet60.install(context);
    }
    jetty.setHandler(context);
    jetty.start();
    uri = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @Override
  protected Reply exchange(
      HttpMethod method, String path, String query, Headers headers, Bytes body)
      throws IOException {
    return send(uri, method, path, query, headers, body);
  }

  @Override
  protected void stop() throws Exception {
    jetty.stop();
  }
}
