package io.wharf.oci.server.jdk;

import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.transport.BodyPermits;
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
 * <p><b>Slow request bodies.</b> A request body is read in blocking mode and holds its thread until
 * the client has sent it. The transport receives at most {@link #maxBodies(int)} bodies at once
 * (default {@value #DEFAULT_MAX_BODIES}, half the default platform threads) and at most {@link
 * #maxBodiesPerClient(int)} from one client address (default {@value
 * #DEFAULT_MAX_BODIES_PER_CLIENT}); more are answered at once with 429 {@code TOOMANYREQUESTS},
 * {@code Retry-After} and {@code Connection: close}, without reading their bodies. Requests without
 * a body are never refused for these bounds, so clients that read (and the same client) are still
 * served while they are reached. A body must also arrive at {@link #minBodyRate(long)} (default
 * {@value #DEFAULT_MIN_BODY_RATE} bytes per second): counted over the time the transport waited for
 * the client's bytes (not the time the handler spent elsewhere), after the first 5 seconds of such
 * waiting, a slower body has its connection closed; the handler's read fails, and an upload keeps
 * the bytes that arrived.
 *
 * <p><b>Request headers, and clients that try TLS first.</b> The JDK server starts an exchange once
 * the first bytes of a request are readable, then reads the request line and headers itself. The
 * transport closes the connection of an exchange whose request line and headers have not all
 * arrived {@link #headerTimeout(Duration)} after its thread started it (default 1 s, {@link
 * #DEFAULT_HEADER_TIMEOUT}). This bounds clients that send headers slowly, and it makes clients
 * that try HTTPS first fall back to HTTP at once: skopeo, podman and every client of
 * containers/image send a TLS ClientHello, in which the server would wait for a line end until the
 * client's TLS handshake timeout (10 s, once or twice per command). Closed instead, the handshake
 * fails and the client retries over HTTP. Keep-alive connections idle between requests are not
 * affected (an exchange starts only when the next request's bytes arrive), nor are slow bodies once
 * the headers are in (the stall timeout bounds those). A connection that sends nothing at all is
 * closed by the JDK after {@code sun.net.httpserver.idleInterval}.
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
 *       which also cuts long uploads and downloads.
 * </ul>
 */
public final class JdkHttpTransport {

  /** Default number of platform threads. */
  public static final int DEFAULT_MAX_THREADS = 64;

  /** Default number of requests waiting for a platform thread. */
  public static final int DEFAULT_MAX_QUEUED = 256;

  /** Default bound on request bodies received at once. */
  public static final int DEFAULT_MAX_BODIES = 32;

  /** Default bound on request bodies received at once from one client address. */
  public static final int DEFAULT_MAX_BODIES_PER_CLIENT = 16;

  /** Default minimum rate of a request body, in bytes per second: 1 KiB/s. */
  public static final long DEFAULT_MIN_BODY_RATE = 1024;

  /** Default stall timeout. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Default header timeout: one second. A request's line and headers (a few KiB, which clients send
   * in one write) follow its first bytes within one network round trip, usually in the same packet;
   * a second leaves room for a round trip of a few hundred milliseconds plus one lost packet resent
   * (Linux resends after 200 ms at the earliest) or a pause of the server, and is what a TLS client
   * waits before it falls back to HTTP, instead of its 10 s handshake timeout.
   */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(1);

  /** Default time {@link RegistryServer#close()} waits for requests in flight. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  private final RegistryHandler handler;
  private boolean virtualThreads = true;
  private int maxThreads = DEFAULT_MAX_THREADS;
  private int maxQueued = DEFAULT_MAX_QUEUED;
  private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
  private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
  private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private int backlog;
  private int maxBodies = DEFAULT_MAX_BODIES;
  private int maxBodiesPerClient = DEFAULT_MAX_BODIES_PER_CLIENT;
  private long minBodyRate = DEFAULT_MIN_BODY_RATE;

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

  /**
   * How long the request line and headers may take to arrive, from the start of the exchange (the
   * JDK starts one when a request's first bytes are readable) until the handler is reached; the
   * connection is closed when they are late. Default {@link #DEFAULT_HEADER_TIMEOUT} (1 s). See the
   * class documentation for why it is short.
   */
  public JdkHttpTransport headerTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("headerTimeout must be positive: " + timeout);
    }
    this.headerTimeout = timeout;
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

  /**
   * Request bodies received at once, in all; default {@value #DEFAULT_MAX_BODIES}. Keep it below
   * {@link #maxThreads(int)}, so that requests without a body find a thread.
   */
  public JdkHttpTransport maxBodies(int bodies) {
    if (bodies < 1) {
      throw new IllegalArgumentException("maxBodies must be at least 1: " + bodies);
    }
    this.maxBodies = bodies;
    return this;
  }

  /**
   * Request bodies received at once from one client address; default {@value
   * #DEFAULT_MAX_BODIES_PER_CLIENT}.
   */
  public JdkHttpTransport maxBodiesPerClient(int bodies) {
    if (bodies < 1) {
      throw new IllegalArgumentException("maxBodiesPerClient must be at least 1: " + bodies);
    }
    this.maxBodiesPerClient = bodies;
    return this;
  }

  /**
   * The slowest a request body may arrive, in bytes per second (see the class documentation);
   * default {@value #DEFAULT_MIN_BODY_RATE}; 0 turns the check off.
   */
  public JdkHttpTransport minBodyRate(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("minBodyRate must not be negative: " + bytesPerSecond);
    }
    this.minBodyRate = bytesPerSecond;
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
    ServerExecutor executor =
        new ServerExecutor(virtualThreads, maxThreads, maxQueued, headerTimeout);
    StallWatchdog watchdog = new StallWatchdog(stallTimeout, minBodyRate);
    try {
      return RegistryServer.start(
          new ExchangeAdapter(handler, watchdog, new BodyPermits(maxBodiesPerClient, maxBodies)),
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
