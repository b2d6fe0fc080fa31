package io.wharf.oci.server.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.server.transport.RawHttp;
import io.wharf.oci.server.transport.TestHandler;
import io.wharf.oci.server.transport.TransportContract;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
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

  /** A bare Jetty answers ambiguous paths with its own pages before the servlet runs. */
  @Override
  protected boolean answersRefusedPathsItself() {
    return false;
  }

  @Test
  void tricklingBodiesBeyondTheLimitsAre429AndReadsAreStillAnswered() throws Exception {
    TestHandler h = new TestHandler();
    Server small = new Server(new QueuedThreadPool(16, 4));
    ServerConnector connector = new ServerConnector(small, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(60_000);
    small.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new RegistryServlet(h, 2, 3)), "/*");
    small.setHandler(context);
    small.start();
    int port = connector.getLocalPort();
    List<Socket> held = List.of();
    List<Socket> refused = List.of();
    try {
      held = RawHttp.trickle(port, 2, "PUT", "/upload", 1000, 1);
      assertThat(h.uploadsStarted.tryAcquire(2, 30, TimeUnit.SECONDS)).isTrue();
      // Without bounds, 16 trickling uploads would take every thread of the pool.
      refused = RawHttp.trickle(port, 16, "PATCH", "/upload", 1000, 1);
      for (Socket s : refused) {
        assertThat(RawHttp.statusLine(s)).startsWith("HTTP/1.1 429");
      }
      String get = RawHttp.get(port, "/echo/other");
      assertThat(RawHttp.status(get)).isEqualTo(200);
      assertThat(h.readFailures).isEmpty();
      for (Socket s : held) {
        s.getOutputStream().write(new byte[999]);
        assertThat(RawHttp.statusLine(s)).startsWith("HTTP/1.1 201");
      }
    } finally {
      RawHttp.closeAll(held);
      RawHttp.closeAll(refused);
      small.stop();
    }
  }

  @Test
  void servletApiOnTheTestClassPathHasByteBufferWrites() {
    // Servlet 6.1: the base tests take the ByteBuffer path, the Servlet 6.0 subclass the other.
    assertThat(RegistryServlet.BYTE_BUFFER_WRITES).isTrue();
  }
}
