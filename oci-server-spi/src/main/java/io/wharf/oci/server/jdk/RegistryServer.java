package io.wharf.oci.server.jdk;

import com.sun.net.httpserver.HttpServer;
import io.wharf.oci.server.RegistryHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running registry on the JDK's HTTP server. {@link #start(RegistryHandler, InetSocketAddress)}
 * starts one with the defaults of {@link JdkHttpTransport}, which configures the limits. Closing it
 * stops accepting connections, lets requests in flight finish for up to the shutdown timeout, then
 * closes every connection. It does not close the handler.
 *
 * <p>Loading this class sets the system property {@code sun.net.httpserver.nodelay} to {@code true}
 * unless it is set already, so that responses are not held back by Nagle's algorithm.
 */
public final class RegistryServer implements AutoCloseable {

  /**
   * The JDK server's switch for {@code TCP_NODELAY} on accepted connections. Left off, Nagle's
   * algorithm holds a response's body until the client acknowledges its headers, which a client
   * delays by up to 40 ms: every keep-alive GET took about 44 ms. The JDK reads it once, when its
   * first server starts, so it is set here (unless the application chose a value) before any
   * registry server is created.
   */
  static final String NODELAY = "sun.net.httpserver.nodelay";

  static {
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
  }

  private final HttpServer server;
  private final ServerExecutor executor;
  private final StallWatchdog watchdog;
  private final Duration shutdownTimeout;
  private final InetSocketAddress address;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RegistryServer(
      HttpServer server,
      ServerExecutor executor,
      StallWatchdog watchdog,
      Duration shutdownTimeout) {
    this.server = server;
    this.executor = executor;
    this.watchdog = watchdog;
    this.shutdownTimeout = shutdownTimeout;
    this.address = server.getAddress();
  }

  /**
   * Starts serving {@code handler} on {@code address} (port 0 picks a free port) with the defaults
   * of {@link JdkHttpTransport}.
   *
   * @throws IOException if the address cannot be bound
   */
  public static RegistryServer start(RegistryHandler handler, InetSocketAddress address)
      throws IOException {
    return JdkHttpTransport.of(handler).start(address);
  }

  static RegistryServer start(
      ExchangeAdapter adapter,
      InetSocketAddress address,
      int backlog,
      ServerExecutor executor,
      StallWatchdog watchdog,
      Duration shutdownTimeout)
      throws IOException {
    HttpServer server = HttpServer.create(address, backlog);
    server.createContext("/", adapter);
    server.setExecutor(executor);
    server.start();
    return new RegistryServer(server, executor, watchdog, shutdownTimeout);
  }

  /** The port the server listens on. */
  public int port() {
    return address.getPort();
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * The base URI, {@code http://host:port} without a trailing slash; the wildcard address gives the
   * loopback host.
   */
  public URI uri() {
    InetAddress a = address.getAddress();
    if (a.isAnyLocalAddress()) {
      a = InetAddress.getLoopbackAddress();
    }
    String host = a.getHostAddress();
    if (host.indexOf(':') >= 0) {
      int zone = host.indexOf('%');
      host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
    }
    return URI.create("http://" + host + ":" + port());
  }

  /** Whether exchanges run on virtual threads (Java 21+). */
  public boolean virtualThreads() {
    return executor.virtual();
  }

  /** Exchanges accepted and not finished, running or queued for a thread; for tests to wait on. */
  long exchangesInFlight() {
    return executor.inFlight();
  }

  /** Stops gracefully, waiting for requests in flight up to the configured shutdown timeout. */
  @Override
  public void close() {
    close(shutdownTimeout);
  }

  /**
   * Stops: closes the listening socket at once, waits up to {@code timeout} for requests in flight
   * to finish, then closes every connection and stops the threads. Calling it again does nothing.
   */
  public void close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    // HttpServer.stop(n) closes the listener at once, then waits n whole seconds unless an exchange
    // ends after it was called (before Java 22 it waits out the delay when none is in flight). It
    // runs on its own thread; the exact wait is ours, and a second stop(0) ends the first.
    int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (timeout.toMillis() + 999) / 1000));
    Thread stopper = new Thread(() -> server.stop(seconds), "wharf-http-stop");
    stopper.setDaemon(true);
    stopper.start();
    boolean interrupted = false;
    try {
      executor.awaitIdle(deadline);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    server.stop(0);
    try {
      stopper.join(2000);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    executor.shutdownNow();
    watchdog.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "RegistryServer[" + uri() + "]";
  }
}
