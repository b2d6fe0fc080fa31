package io.wharf.oci.server.jdk;

import io.wharf.oci.server.RegistryHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs a {@link RegistryHandler} on the JDK's built-in HTTP server ({@code
 * com.sun.net.httpserver.HttpServer}), with no third-party dependency. Configure, then {@link
 * #start(InetSocketAddress)}:
 *
 * <pre>{@code
 * RegistryServer server = JdkHttpTransport.of(handler)
 *     .stallTimeout(Duration.ofSeconds(30))
 *     .start(new InetSocketAddress("127.0.0.1", 5000));
 * }</pre>
 *
 * <p><b>Threads.</b> On Java 21 and later each exchange runs on its own virtual thread (found at
 * run time; the library targets Java 17). Otherwise, and when {@link #virtualThreads(boolean)} is
 * off, exchanges run on {@link #maxThreads(int)} platform threads with a queue of {@link
 * #maxQueued(int)}; requests beyond both are answered {@code 503} with an OCI {@code UNAVAILABLE}
 * error and {@code Retry-After}, not queued.
 *
 * <p><b>Stalled clients.</b> The JDK server reads and writes sockets in blocking mode without a
 * timeout. The transport closes the connection of any exchange whose read or write makes no
 * progress for {@link #stallTimeout(Duration)}, so a client that stops sending mid-body, or stops
 * reading the response, frees its thread within that time.
 *
 * <p><b>JDK limits.</b> Some limits of the JDK server are process-wide system properties, read once
 * when the server class loads; the transport does not set them. On Java 17 (17.0.15 checked):
 *
 * <ul>
 *   <li>{@code sun.net.httpserver.maxReqHeaders} (200): most request header lines;
 *   <li>{@code sun.net.httpserver.maxReqHeaderSize} (380 KiB, present in recent 17 updates and
 *       later releases): most request header bytes; larger requests are refused with 431;
 *   <li>{@code sun.net.httpserver.idleInterval} (30 s): idle keep-alive connections are closed;
 *   <li>{@code sun.net.httpserver.maxReqTime} and {@code maxRspTime} (seconds, off by default):
 *       bound the <em>whole</em> reading of a request (headers and body) or writing of a response,
 *       which also cuts long uploads and downloads; they are the only bound on a client that stalls
 *       while sending headers, before the transport sees the request.
 * </ul>
 */
public final class JdkHttpTransport {

  /** Default number of platform threads. */
  public static final int DEFAULT_MAX_THREADS = 64;

  /** Default number of requests waiting for a platform thread. */
  public static final int DEFAULT_MAX_QUEUED = 256;

  /** Default stall timeout. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

  /** Default time {@link RegistryServer#close()} waits for requests in flight. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  private final RegistryHandler handler;
  private boolean virtualThreads = true;
  private int maxThreads = DEFAULT_MAX_THREADS;
  private int maxQueued = DEFAULT_MAX_QUEUED;
  private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
  private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private int backlog;

  private JdkHttpTransport(RegistryHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /** A transport for {@code handler}, with the defaults. */
  public static JdkHttpTransport of(RegistryHandler handler) {
    return new JdkHttpTransport(handler);
  }

  /** Whether to use virtual threads when the JVM has them (Java 21+); default true. */
  public JdkHttpTransport virtualThreads(boolean use) {
    this.virtualThreads = use;
    return this;
  }

  /** Platform threads when virtual threads are not used; default 64. */
  public JdkHttpTransport maxThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("maxThreads must be at least 1: " + threads);
    }
    this.maxThreads = threads;
    return this;
  }

  /** Requests that may wait for a platform thread before 503 is answered; default 256. */
  public JdkHttpTransport maxQueued(int queued) {
    if (queued < 1) {
      throw new IllegalArgumentException("maxQueued must be at least 1: " + queued);
    }
    this.maxQueued = queued;
    return this;
  }

  /** How long a socket read or write may make no progress before the connection is closed. */
  public JdkHttpTransport stallTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("stallTimeout must be positive: " + timeout);
    }
    this.stallTimeout = timeout;
    return this;
  }

  /** How long {@link RegistryServer#close()} waits for requests in flight; default 10 s. */
  public JdkHttpTransport shutdownTimeout(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("shutdownTimeout must not be negative: " + timeout);
    }
    this.shutdownTimeout = timeout;
    return this;
  }

  /** The listen backlog; 0 (the default) lets the system choose. */
  public JdkHttpTransport backlog(int backlog) {
    this.backlog = Math.max(0, backlog);
    return this;
  }

  /**
   * Binds {@code address} (port 0 picks a free port) and starts serving.
   *
   * @throws IOException if the address cannot be bound
   */
  public RegistryServer start(InetSocketAddress address) throws IOException {
    ServerExecutor executor = new ServerExecutor(virtualThreads, maxThreads, maxQueued);
    StallWatchdog watchdog = new StallWatchdog(stallTimeout);
    try {
      return RegistryServer.start(
          new ExchangeAdapter(handler, watchdog),
          address,
          backlog,
          executor,
          watchdog,
          shutdownTimeout);
    } catch (IOException | RuntimeException e) {
      watchdog.close();
      executor.shutdownNow();
      throw e;
    }
  }
}
