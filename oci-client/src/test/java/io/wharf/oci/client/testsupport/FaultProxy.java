package io.wharf.oci.client.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A TCP proxy on loopback in front of one HTTP/1.1 server (a registry), which injects network
 * faults into the requests a test chooses.
 *
 * <p>Every connection accepted is paired with a new connection to the target. Bytes from the target
 * are copied to the client as they come; bytes from the client are read one request at a time: the
 * request line and headers (at most 64 KiB), then the body as {@code Content-Length} or {@code
 * Transfer-Encoding: chunked} frames it (a request with neither has none). So a fault can hit one
 * request of a keep-alive connection, which a client's connection pool would otherwise hide.
 * Pipelined requests (a second one sent before the first one's response arrived) are not supported:
 * no HTTP client here pipelines. HTTP/2 and {@code Upgrade} are not supported.
 *
 * <p>Faults are armed with {@link #inject(Fault, int, Predicate)}: each request that arrives claims
 * the first armed fault whose predicate matches and that has uses left; a request no fault claims
 * is offered to the {@linkplain #intercept interceptors}, then forwarded. {@link
 * #trickleResponses(long)} and {@link #trickleRequests(long)} slow every connection down. Counters
 * ({@link #connections()}, {@link #requestCount()}, {@link #bytesToClient()}, ...) and the request
 * heads seen ({@link #requests()}) let a test check what its client did.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(registry.host())) {
 *   FaultProxy.Injection cut = proxy.inject(Fault.cutResponseAfter(1 << 20), 1, RequestHead::isBlobRead);
 *   client.pull("http://" + proxy.host() + "/...");     // the first blob GET is cut after 1 MiB
 *   assertThat(cut.triggered()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Plain threads: one accepts, and each connection has one per direction; {@link #close()} stops
 * and joins them all.
 */
public final class FaultProxy implements AutoCloseable {

  /** Computes a response for a request, or none to let it through. */
  @FunctionalInterface
  public interface Responder {
    /**
     * Called on the connection's thread for each request no fault claimed.
     *
     * @return the response to send instead of forwarding, or empty to forward
     */
    Optional<CannedResponse> respond(RequestHead request) throws IOException;
  }

  /** A fault armed for a number of requests; a handle to see how often it fired. */
  public static final class Injection {
    private final Fault fault;
    private final Predicate<RequestHead> which;
    private final AtomicInteger remaining;
    private final AtomicInteger triggered = new AtomicInteger();

    private Injection(Fault fault, int times, Predicate<RequestHead> which) {
      this.fault = fault;
      this.which = which;
      this.remaining = new AtomicInteger(times);
    }

    private boolean claim(RequestHead head) {
      if (remaining.get() <= 0 || !which.test(head)) {
        return false;
      }
      if (remaining.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
        return false;
      }
      triggered.incrementAndGet();
      return true;
    }

    /** The fault. */
    public Fault fault() {
      return fault;
    }

    /** How many requests it hit so far. */
    public int triggered() {
      return triggered.get();
    }

    /** How many more requests it will hit. */
    public int remaining() {
      return remaining.get();
    }

    /** Disarms it. */
    public void cancel() {
      remaining.set(0);
    }
  }

  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final int MAX_LINE_BYTES = 8 * 1024;
  private static final int MAX_RECORDED = 10_000;

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Connection> live = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final List<Injection> injections = new CopyOnWriteArrayList<>();
  private final List<Map.Entry<Predicate<RequestHead>, Responder>> interceptors =
      new CopyOnWriteArrayList<>();
  private final List<RequestHead> recorded = new CopyOnWriteArrayList<>();
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private final AtomicLong trickled = new AtomicLong();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requestCount = new AtomicInteger();
  private final AtomicLong bytesToTarget = new AtomicLong();
  private final AtomicLong bytesToClient = new AtomicLong();
  private volatile long responseRate;
  private volatile long requestRate;
  private volatile boolean closed;

  private FaultProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a proxy on a free loopback port in front of {@code host:port}. */
  public static FaultProxy start(String host, int port) throws IOException {
    return new FaultProxy(new InetSocketAddress(host, port));
  }

  /** Starts a proxy in front of {@code hostAndPort}, e.g. {@code 127.0.0.1:5000}. */
  public static FaultProxy start(String hostAndPort) throws IOException {
    int colon = hostAndPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected host:port, got " + hostAndPort);
    }
    return start(
        hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
  }

  /** The proxy's port on loopback. */
  public int port() {
    return server.getLocalPort();
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return server.getInetAddress().getHostAddress() + ":" + port();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI baseUri() {
    return URI.create("http://" + host());
  }

  /** Arms {@code fault} for the next {@code times} requests, whatever they are. */
  public Injection inject(Fault fault, int times) {
    return inject(fault, times, r -> true);
  }

  /** Arms {@code fault} for the next {@code times} requests that {@code which} accepts. */
  public Injection inject(Fault fault, int times, Predicate<RequestHead> which) {
    if (times < 0) {
      throw new IllegalArgumentException("times " + times);
    }
    Injection i =
        new Injection(Objects.requireNonNull(fault), times, Objects.requireNonNull(which));
    injections.add(i);
    return i;
  }

  /**
   * Adds a standing interceptor: each request that {@code which} accepts and no fault claimed is
   * offered to {@code responder}, which may answer it instead of the target.
   */
  public void intercept(Predicate<RequestHead> which, Responder responder) {
    interceptors.add(Map.entry(Objects.requireNonNull(which), Objects.requireNonNull(responder)));
  }

  /** Disarms every fault and removes every interceptor; trickling stops too. */
  public void clearFaults() {
    injections.forEach(Injection::cancel);
    injections.clear();
    interceptors.clear();
    responseRate = 0;
    requestRate = 0;
  }

  /** Limits every connection's target-to-client flow to {@code bytesPerSecond}; 0 removes it. */
  public void trickleResponses(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("rate " + bytesPerSecond);
    }
    this.responseRate = bytesPerSecond;
  }

  /** Limits every connection's client-to-target flow to {@code bytesPerSecond}; 0 removes it. */
  public void trickleRequests(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("rate " + bytesPerSecond);
    }
    this.requestRate = bytesPerSecond;
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Connections open now. */
  public int openConnections() {
    return live.size();
  }

  /** Requests read so far (forwarded or not). */
  public int requestCount() {
    return requestCount.get();
  }

  /** The request heads read so far, in order (the first 10,000). */
  public List<RequestHead> requests() {
    return List.copyOf(recorded);
  }

  /**
   * When each request of {@link #requests()} had arrived whole (its head read), in {@link
   * System#nanoTime()}: the order and spacing of a client's attempts, as the network saw them.
   */
  public List<Long> arrivalNanos() {
    return List.copyOf(arrivals);
  }

  /** Bytes slowed down by {@link #trickleResponses} or {@link #trickleRequests} so far. */
  public long trickledBytes() {
    return trickled.get();
  }

  /** Bytes forwarded from clients to the target. */
  public long bytesToTarget() {
    return bytesToTarget.get();
  }

  /** Bytes sent to clients (from the target, and canned responses). */
  public long bytesToClient() {
    return bytesToClient.get();
  }

  /** Stops accepting, closes every connection, and joins every thread. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Connection c : live) {
      c.closeQuietly(false);
    }
    join(acceptor);
    for (Thread t : threads) {
      t.interrupt();
      join(t);
    }
  }

  private static void join(Thread t) {
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.incrementAndGet();
      Socket upstream = new Socket();
      try {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        upstream.connect(target, 5_000);
      } catch (IOException e) {
        closeSocket(client, true);
        closeSocket(upstream, false);
        continue;
      }
      Connection c = new Connection(client, upstream);
      live.add(c);
      if (closed) {
        c.closeQuietly(false);
        return;
      }
      int id = connections.get();
      c.start(
          thread(c::pumpRequests, "fault-proxy-" + port() + "-c" + id + "-up"),
          thread(c::pumpResponses, "fault-proxy-" + port() + "-c" + id + "-down"));
    }
  }

  private Thread thread(Runnable r, String name) {
    // A thread stays in the set until it has terminated: one that removed itself on its way out
    // was still alive when close() looked, and close() did not join it. Terminated ones are
    // dropped here, so the set holds the live connections' threads only.
    threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    threads.add(t);
    return t;
  }

  private static void closeSocket(Socket s, boolean reset) {
    try {
      if (reset && !s.isClosed()) {
        s.setSoLinger(true, 0);
      }
    } catch (SocketException e) {
      // closing anyway
    }
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /**
   * Counts {@code bytes} as trickled when {@code rate} slows them. Called before they are written:
   * a reader that has them must find them counted (counting after the write let a test read the
   * counter between the write and the count).
   */
  private void countTrickled(long bytes, long rate) {
    if (rate > 0) {
      trickled.addAndGet(bytes);
    }
  }

  /** Waits as long as {@code bytes} take at {@code rate}. */
  private static void sleepFor(long bytes, long rate) {
    if (rate <= 0) {
      return;
    }
    long nanos = bytes * 1_000_000_000L / rate;
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Connection {
    private final Socket client;
    private final Socket upstream;
    private final Object clientWrite = new Object();

    /** Bytes of response still allowed before a cut or a stall, or -1. */
    private final AtomicLong responseBudget = new AtomicLong(-1);

    /** Whether the budget's end stalls the response rather than cutting the connection. */
    private volatile boolean stallOnBudget;

    /** Whether the response stalled: what the target sends from then on is dropped. */
    private boolean stalled;

    private volatile boolean resetOnCut;
    private final AtomicInteger ended = new AtomicInteger();

    Connection(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start(Thread up, Thread down) {
      up.start();
      down.start();
    }

    void closeQuietly(boolean reset) {
      closeSocket(client, reset);
      closeSocket(upstream, reset);
      live.remove(this);
    }

    /** Each pump calls this when it ends; the second one closes everything. */
    private void pumpEnded() {
      if (ended.incrementAndGet() == 2) {
        closeQuietly(false);
      }
    }

    void pumpResponses() {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = upstream.getInputStream()) {
        OutputStream out = client.getOutputStream();
        while (true) {
          long rate = responseRate;
          int max = rate > 0 ? (int) Math.max(1, Math.min(buf.length, rate / 20)) : buf.length;
          int n = in.read(buf, 0, max);
          if (n < 0) {
            break;
          }
          if (stalled) {
            continue; // the client waits for bytes that never come
          }
          // The rate now, not the one before a read that blocked: a trickle ended while this
          // connection waited for the target must not slow the next response.
          rate = responseRate;
          int allowed = n;
          long budget = responseBudget.get();
          boolean cut = false;
          if (budget >= 0 && budget <= n) {
            allowed = (int) budget;
            cut = true;
          } else if (budget >= 0) {
            responseBudget.addAndGet(-n);
          }
          countTrickled(allowed, rate);
          synchronized (clientWrite) {
            out.write(buf, 0, allowed);
            out.flush();
          }
          bytesToClient.addAndGet(allowed);
          sleepFor(allowed, rate);
          if (cut && stallOnBudget) {
            stalled = true;
          } else if (cut) {
            closeQuietly(resetOnCut);
            return;
          }
        }
        // The target closed: let the client see it too.
        client.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(false);
      } finally {
        pumpEnded();
      }
    }

    void pumpRequests() {
      try {
        InputStream in = new BufferedInputStream(client.getInputStream(), 16 * 1024);
        OutputStream up = upstream.getOutputStream();
        while (!closed) {
          ByteArrayOutputStream raw = new ByteArrayOutputStream();
          RequestHead head = readHead(in, raw);
          if (head == null) {
            upstream.shutdownOutput();
            return;
          }
          requestCount.incrementAndGet();
          if (recorded.size() < MAX_RECORDED) {
            arrivals.add(System.nanoTime());
            recorded.add(head);
          }
          Framing framing = Framing.of(head);
          Fault fault = claimFault(head);
          Optional<CannedResponse> canned = Optional.empty();
          if (fault == null) {
            for (Map.Entry<Predicate<RequestHead>, Responder> i : interceptors) {
              if (i.getKey().test(head)) {
                canned = i.getValue().respond(head);
                if (canned.isPresent()) {
                  break;
                }
              }
            }
          } else if (fault.kind() == Fault.Kind.RESPOND) {
            canned = Optional.of(fault.response());
          } else if (fault.kind() == Fault.Kind.DISCONNECT) {
            closeQuietly(fault.reset());
            return;
          }
          if (canned.isPresent()) {
            boolean expectsContinue =
                head.header("expect").map(v -> v.equalsIgnoreCase("100-continue")).orElse(false);
            boolean close = canned.get().closesConnection() || expectsContinue;
            if (!expectsContinue) {
              framing.copyBody(in, (b, off, len) -> {}, Long.MAX_VALUE);
            }
            byte[] bytes = canned.get().encode(head.method().equals("HEAD"), close);
            synchronized (clientWrite) {
              client.getOutputStream().write(bytes);
              client.getOutputStream().flush();
            }
            bytesToClient.addAndGet(bytes.length);
            if (close) {
              closeQuietly(false);
              return;
            }
            continue;
          }
          long budget = Long.MAX_VALUE;
          responseBudget.set(-1); // a cut armed for an earlier, shorter response ends here
          if (fault != null
              && (fault.kind() == Fault.Kind.CUT_RESPONSE
                  || fault.kind() == Fault.Kind.STALL_RESPONSE)) {
            resetOnCut = fault.reset();
            stallOnBudget = fault.kind() == Fault.Kind.STALL_RESPONSE;
            responseBudget.set(fault.bytes());
          } else if (fault != null && fault.kind() == Fault.Kind.CUT_REQUEST) {
            budget = fault.bytes();
          }
          byte[] headBytes = raw.toByteArray();
          int headPart = (int) Math.min(headBytes.length, budget);
          writeUp(up, headBytes, 0, headPart);
          budget -= headPart;
          if (budget > 0) {
            budget = framing.copyBody(in, (b, off, len) -> writeUp(up, b, off, len), budget);
          }
          up.flush();
          if (budget <= 0 && fault != null && fault.kind() == Fault.Kind.CUT_REQUEST) {
            closeQuietly(fault.reset());
            return;
          }
        }
      } catch (IOException | RuntimeException e) {
        closeQuietly(false);
      } finally {
        pumpEnded();
      }
    }

    private void writeUp(OutputStream up, byte[] b, int off, int len) throws IOException {
      long rate = requestRate;
      if (rate <= 0) {
        up.write(b, off, len);
        bytesToTarget.addAndGet(len);
        return;
      }
      int slice = (int) Math.max(1, Math.min(16 * 1024, rate / 20));
      for (int i = 0; i < len; i += slice) {
        int n = Math.min(slice, len - i);
        countTrickled(n, rate);
        up.write(b, off + i, n);
        up.flush();
        bytesToTarget.addAndGet(n);
        sleepFor(n, rate);
      }
    }
  }

  /** Where a request body goes. */
  @FunctionalInterface
  private interface Sink {
    void write(byte[] b, int off, int len) throws IOException;
  }

  /** The body framing of a request, and a bounded copier. */
  private record Framing(boolean chunked, long length) {
    static Framing of(RequestHead head) throws IOException {
      Optional<String> te = head.header("transfer-encoding");
      if (te.isPresent() && te.get().toLowerCase(Locale.ROOT).contains("chunked")) {
        return new Framing(true, -1);
      }
      Optional<String> cl = head.header("content-length");
      if (cl.isPresent()) {
        long n;
        try {
          n = Long.parseLong(cl.get().trim());
        } catch (NumberFormatException e) {
          throw new IOException("bad Content-Length: " + cl.get());
        }
        if (n < 0) {
          throw new IOException("negative Content-Length");
        }
        return new Framing(false, n);
      }
      return new Framing(false, 0);
    }

    /**
     * Copies the body from {@code in} to {@code out}, at most {@code budget} bytes; returns the
     * budget left (0 or less: the copy stopped there).
     */
    long copyBody(InputStream in, Sink out, long budget) throws IOException {
      if (!chunked) {
        return copyExactly(in, out, length, budget);
      }
      while (true) {
        byte[] line = readLine(in);
        budget = copyBytes(line, out, budget);
        if (budget <= 0) {
          return budget;
        }
        String size = new String(line, StandardCharsets.ISO_8859_1).trim();
        int semi = size.indexOf(';');
        long n;
        try {
          n = Long.parseLong(semi < 0 ? size : size.substring(0, semi).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + size);
        }
        if (n < 0) {
          throw new IOException("bad chunk size: " + size);
        }
        if (n == 0) {
          while (true) { // trailer fields, up to the empty line
            byte[] trailer = readLine(in);
            budget = copyBytes(trailer, out, budget);
            if (budget <= 0 || trailer.length <= 2) {
              return budget;
            }
          }
        }
        budget = copyExactly(in, out, n + 2, budget); // the data and its CRLF
        if (budget <= 0) {
          return budget;
        }
      }
    }

    private static long copyBytes(byte[] b, Sink out, long budget) throws IOException {
      int n = (int) Math.min(b.length, budget);
      out.write(b, 0, n);
      return budget - n;
    }

    private static long copyExactly(InputStream in, Sink out, long count, long budget)
        throws IOException {
      byte[] buf = new byte[16 * 1024];
      long left = count;
      while (left > 0 && budget > 0) {
        int want = (int) Math.min(buf.length, Math.min(left, budget));
        int n = in.read(buf, 0, want);
        if (n < 0) {
          throw new EOFException("the client closed in the middle of a body");
        }
        out.write(buf, 0, n);
        left -= n;
        budget -= n;
      }
      return budget;
    }
  }

  private Fault claimFault(RequestHead head) {
    for (Injection i : injections) {
      if (i.claim(head)) {
        return i.fault;
      }
    }
    return null;
  }

  /** Reads a request head into {@code raw}; null on a clean end of stream before its first byte. */
  static RequestHead readHead(InputStream in, ByteArrayOutputStream raw) throws IOException {
    byte[] line;
    // RFC 9112 section 2.2: ignore at least one empty line before a request line.
    int empty = 0;
    while (true) {
      line = readLineOrNull(in);
      if (line == null) {
        return null;
      }
      if (line.length > 2 || ++empty > 4) {
        break;
      }
    }
    raw.writeBytes(line);
    String requestLine = new String(line, StandardCharsets.ISO_8859_1).trim();
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
      throw new IOException("not an HTTP/1.x request line: " + requestLine);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    while (true) {
      line = readLine(in);
      raw.writeBytes(line);
      if (raw.size() > MAX_HEAD_BYTES) {
        throw new IOException("request head larger than " + MAX_HEAD_BYTES + " bytes");
      }
      String field = new String(line, StandardCharsets.ISO_8859_1).trim();
      if (field.isEmpty()) {
        break;
      }
      int colon = field.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header field: " + field);
      }
      headers
          .computeIfAbsent(
              field.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(field.substring(colon + 1).trim());
    }
    return new RequestHead(parts[0], parts[1], parts[2], headers);
  }

  private static byte[] readLine(InputStream in) throws IOException {
    byte[] line = readLineOrNull(in);
    if (line == null) {
      throw new EOFException("the client closed in the middle of a request");
    }
    return line;
  }

  /** A line with its LF (and CR), at most 8 KiB; null at end of stream before any byte. */
  private static byte[] readLineOrNull(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new EOFException("the client closed in the middle of a line");
      }
      line.write(b);
      if (b == '\n') {
        return line.toByteArray();
      }
      if (line.size() > MAX_LINE_BYTES) {
        throw new IOException("line longer than " + MAX_LINE_BYTES + " bytes");
      }
    }
  }
}
