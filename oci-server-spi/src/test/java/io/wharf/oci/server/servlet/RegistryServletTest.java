package io.wharf.oci.server.servlet;

import io.wharf.oci.server.transport.TestHandler;
import io.wharf.oci.server.transport.TransportContract;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

class RegistryServletTest extends TransportContract {

  Server jetty;

  @Override
  protected URI start(TestHandler handler) throws Exception {
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(5_000);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new RegistryServlet(handler)), "/*");
    jetty.setHandler(context);
    jetty.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @Override
  protected void stop() throws Exception {
    jetty.stop();
  }
}
