package io.wharf.oci.server.jdk;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wharf.oci.model.testing.Await;
import io.wharf.oci.server.transport.RawHttp;
import io.wharf.oci.server.transport.TestHandler;
import io.wharf.oci.server.transport.TransportContract;
import io.wharf.oci.server.transport.TransportSupport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdkHttpTransportTest extends TransportContract {

  /**
   * The stall timeout of the one test about it. The contract runs with the default (30 s): a
   * shorter one would cut healthy transfers that a loaded machine pauses, which is a flaky test,
   * not a finding.
   */
  static final Duration STALL = Duration.ofMillis(500);

  /** Short enough for tests to idle well past it, long enough for a loaded machine's pauses. */
  static final Duration QUICK_HEADERS = Duration.ofMillis(400);

  RegistryServer server;

  @Override
  protected URI start(TestHandler handler) throws IOException {
    server = JdkHttpTransport.of(handler).start(new InetSocketAddress("127.0.0.1", 0));
    return server.uri();
  }

  @Override
  protected void stop() {
    server.close(Duration.ofSeconds(1));
  }

  @Test
  void uriIsLoopbackAndPort() {
    assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
  }

  /**
   * The JDK server leaves Nagle's algorithm on unless its property says otherwise; with it on, a
   * keep-alive GET from the JDK's own HttpClient took 45.8 ms instead of 2.4 ms.
   */
  @Test
  void theJdkServerIsToldToSendWithoutDelay() {
    assertThat(System.getProperty(RegistryServer.NODELAY)).isEqualTo("true");
  }

  @Test
  void stalledUploadIsCut() throws Exception {
    TestHandler h = new TestHandler();
    try (RegistryServer stalling =
            JdkHttpTransport.of(h)
                .stallTimeout(STALL)
                .start(new InetSocketAddress("127.0.0.1", 0));
        Socket s = new Socket("127.0.0.1", stalling.port())) {
      // Far above the stall timeout: the server, not this timeout, must end the wait.
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n0123456789")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The server closes the connection: the read ends (EOF or reset) rather than timing out.
      assertThat(readOrReset(s.getInputStream())).isEqualTo(-1);
      // The handler's read failed, as a stall: its thread is free.
      Await.until("the handler's read to fail", () -> !h.readFailures.isEmpty());
      assertThat(h.readFailures.peek()).hasMessageContaining("no progress");
    }
  }

  @Test
  void refusesDotSegmentsEncodedSlashesAndNul() throws Exception {
    assertThat(rawStatus("/v2/a/%2e%2e/b")).isEqualTo(404);
    assertThat(rawStatus("/v2/a/../b")).isEqualTo(404);
    assertThat(rawStatus("/v2/a%2Fb/blobs/x")).isEqualTo(404);
    assertThat(rawStatus("/v2/a%00b")).isEqualTo(400);
    assertThat(rawStatus("/v2/a%zz")).isEqualTo(400);
    assertThat(rawStatus("/echo/ok")).isEqualTo(200);
  }

  @Test
  void closeWaitsForTheRequestInFlight() throws Exception {
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(request("/slow").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(handler.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing =
        CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(10)));
    // No new connections while draining: the listener closes first.
    Await.until("the listener to close", () -> refusesConnections(server.port()));
    assertThat(closing).isNotDone();
    assertThat(server.exchangesInFlight()).isEqualTo(1);
    handler.release.countDown();
    HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("done");
    closing.get(10, TimeUnit.SECONDS);
  }

  @Test
  void overloadIsAnswered503() throws Exception {
    TestHandler busy = new TestHandler();
    try (RegistryServer small =
        JdkHttpTransport.of(busy)
            .virtualThreads(false)
            .maxThreads(1)
            .maxQueued(1)
            .start(new InetSocketAddress("127.0.0.1", 0))) {
      URI uri = small.uri();
      CompletableFuture<HttpResponse<String>> first =
          client.sendAsync(
              java.net.http.HttpRequest.newBuilder(URI.create(uri + "/slow")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(busy.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<HttpResponse<String>> queued =
          client.sendAsync(
              java.net.http.HttpRequest.newBuilder(URI.create(uri + "/echo/q")).build(),
              HttpResponse.BodyHandlers.ofString());
      // The first one runs, the second waits in the one-place queue: the third overflows.
      Await.until("the second request to be queued", () -> small.exchangesInFlight() == 2);
      String third = rawResponse(small.port(), "/echo/3");
      assertThat(third).startsWith("HTTP/1.1 503").contains("\"code\":\"UNAVAILABLE\"");
      busy.release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(queued.get(10, TimeUnit.SECONDS).body()).isEqualTo("/echo/q");
    }
  }

  @Test
  void tlsClientHelloFailsWellBeforeTheClientsHandshakeTimeout() throws Exception {
    // Cut by the server's header timeout (1 s), not by the client's own 10 s.
    assertThat(tlsHandshake(server.port()))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(SocketTimeoutException.class);
    assertThat(rawStatus("/echo/ok")).isEqualTo(200);
  }

  @Test
  void headersSentTooSlowlyAreCut() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /echo/x HTTP/1.1\r\nHost: x\r\n".getBytes(US_ASCII));
      // Cut by the server's header timeout (1 s), not by this socket's 10 s.
      assertThat(readOrReset(s.getInputStream())).isEqualTo(-1);
    }
  }

  @Test
  void headerTimeoutMustBePositive() {
    assertThatThrownBy(() -> JdkHttpTransport.of(handler).headerTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void keepAliveConnectionIdleLongerThanTheHeaderTimeoutIsKept(boolean virtual) throws Exception {
    TestHandler h = new TestHandler();
    try (RegistryServer quick = quickDeadline(h, virtual);
        Socket s = new Socket("127.0.0.1", quick.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      out.write("GET /echo/1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
      assertThat(readResponse(in)).isEqualTo("200 /echo/1");
      Thread.sleep(QUICK_HEADERS.toMillis() * 3);
      out.write("GET /echo/2 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
      assertThat(readResponse(in)).isEqualTo("200 /echo/2");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void slowBodyAfterPromptHeadersIsNotCut(boolean virtual) throws Exception {
    TestHandler h = new TestHandler();
    int size = 1024 * 1024;
    int pieces = 8;
    try (RegistryServer quick = quickDeadline(h, virtual);
        Socket s = new Socket("127.0.0.1", quick.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n")
              .getBytes(US_ASCII));
      out.flush();
      byte[] piece = new byte[size / pieces];
      for (int i = 0; i < pieces; i++) {
        // Each pause is under the stall timeout; all together they are six header timeouts.
        Thread.sleep(QUICK_HEADERS.toMillis() * 3 / 4);
        TestHandler.fill(piece, (long) i * piece.length, piece.length);
        out.write(piece);
        out.flush();
      }
      String head = readHead(new BufferedInputStream(s.getInputStream()));
      assertThat(head).startsWith("HTTP/1.1 201").containsIgnoringCase("X-bytes: " + size);
      assertThat(head).containsIgnoringCase("X-sha256: " + TestHandler.expectedSha256(size));
    }
    assertThat(h.readFailures).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void handlerSlowerThanTheHeaderTimeoutIsNotInterrupted(boolean virtual) throws Exception {
    TestHandler h = new TestHandler();
    try (RegistryServer quick = quickDeadline(h, virtual)) {
      CompletableFuture<HttpResponse<String>> slow =
          client.sendAsync(
              java.net.http.HttpRequest.newBuilder(URI.create(quick.uri() + "/slow")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(h.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
      // The handler waits interruptibly: an interrupt would fail the request.
      Thread.sleep(QUICK_HEADERS.toMillis() * 3);
      h.release.countDown();
      HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("done");
    }
  }

  @Test
  void theOnePlatformThreadServesOnAfterCuttingTlsHandshakes() throws Exception {
    TestHandler h = new TestHandler();
    try (RegistryServer one =
        JdkHttpTransport.of(h)
            .virtualThreads(false)
            .maxThreads(1)
            .headerTimeout(QUICK_HEADERS)
            .start(new InetSocketAddress("127.0.0.1", 0))) {
      for (int i = 0; i < 3; i++) {
        assertThat(tlsHandshake(one.port()))
            .isInstanceOf(IOException.class)
            .isNotInstanceOf(SocketTimeoutException.class);
        // The thread that was interrupted takes the next exchange, which must not be cut.
        try (Socket s = new Socket("127.0.0.1", one.port())) {
          s.setSoTimeout(10_000);
          s.getOutputStream().write("GET /echo/n HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
          assertThat(readResponse(new BufferedInputStream(s.getInputStream())))
              .isEqualTo("200 /echo/n");
        }
      }
    }
  }

  @Test
  void tricklingBodiesBeyondTheLimitsAre429AndReadsAreStillAnswered() throws Exception {
    TestHandler h = new TestHandler();
    // Six platform threads; without bounds on bodies, six trickling uploads took them all and a
    // GET waited for as long as the uploads trickled.
    try (RegistryServer small =
        JdkHttpTransport.of(h)
            .virtualThreads(false)
            .maxThreads(6)
            .maxQueued(4)
            .stallTimeout(Duration.ofSeconds(60))
            .minBodyRate(0)
            .maxBodies(3)
            .maxBodiesPerClient(2)
            .start(new InetSocketAddress("127.0.0.1", 0))) {
      List<Socket> held = RawHttp.trickle(small.port(), 2, "PUT", "/upload", 1000, 1);
      assertThat(h.uploadsStarted.tryAcquire(2, 30, TimeUnit.SECONDS)).isTrue();
      List<Socket> refused = RawHttp.trickle(small.port(), 4, "PATCH", "/upload", 1000, 1);
      try {
        for (Socket s : refused) {
          assertThat(RawHttp.statusLine(s)).startsWith("HTTP/1.1 429");
        }
        String get = RawHttp.get(small.port(), "/echo/other");
        assertThat(RawHttp.status(get)).isEqualTo(200);
        assertThat(RawHttp.body(get)).isEqualTo("/echo/other");
        // The uploads that were let in are still being read.
        assertThat(h.readFailures).isEmpty();
        for (Socket s : held) {
          assertThat(s.isClosed()).isFalse();
          s.getOutputStream().write(new byte[999]);
          assertThat(RawHttp.statusLine(s)).startsWith("HTTP/1.1 201");
        }
      } finally {
        RawHttp.closeAll(held);
        RawHttp.closeAll(refused);
      }
      // Their permits are back: a new upload is let in.
      List<Socket> again = RawHttp.trickle(small.port(), 1, "PUT", "/upload", 3, 3);
      try {
        assertThat(RawHttp.statusLine(again.get(0))).startsWith("HTTP/1.1 201");
      } finally {
        RawHttp.closeAll(again);
      }
    }
  }

  @Test
  void bodySlowerThanTheMinimumRateIsCut() throws Exception {
    TestHandler h = new TestHandler();
    // The stall timeout alone would let a body that sends a byte now and then live for ever.
    try (RegistryServer strict =
        JdkHttpTransport.of(h)
            .stallTimeout(Duration.ofSeconds(60))
            .minBodyRate(1024)
            .start(new InetSocketAddress("127.0.0.1", 0))) {
      List<Socket> slow = RawHttp.trickle(strict.port(), 1, "PUT", "/upload", 100_000, 10);
      try {
        // The server closes the connection once the rate is missed: no answer, no timeout.
        assertThat(RawHttp.statusLine(slow.get(0))).isEqualTo("closed");
      } finally {
        RawHttp.closeAll(slow);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (h.readFailures.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(h.readFailures).isNotEmpty();
      String get = RawHttp.get(strict.port(), "/echo/after");
      assertThat(RawHttp.status(get)).isEqualTo(200);
    }
  }

  @Test
  void responseBodiesReachTheSocketInWritesOfAtMost64KiB() throws Exception {
    List<Integer> writes = new java.util.ArrayList<>();
    OutputStream recording =
        new OutputStream() {
          @Override
          public void write(int b) {
            writes.add(1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            writes.add(len);
          }
        };
    try (StallWatchdog watchdog = new StallWatchdog(Duration.ofSeconds(30), 0);
        StallWatchdog.Guard guard = watchdog.guard(() -> {})) {
      OutputStream out = guard.out(recording);
      // A manifest of 4 MiB, written by the engine in one call.
      out.write(new byte[4 << 20]);
    }
    assertThat(writes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(4 << 20);
    assertThat(writes.stream().mapToInt(Integer::intValue).max().orElseThrow())
        .isLessThanOrEqualTo(TransportSupport.MAX_WRITE);
  }

  /** A server whose header timeout is short, so that tests can idle well past it. */
  private static RegistryServer quickDeadline(TestHandler h, boolean virtual) throws IOException {
    Assumptions.assumeTrue(
        !virtual || Runtime.version().feature() >= 21, "virtual threads need Java 21");
    return JdkHttpTransport.of(h)
        .virtualThreads(virtual)
        .headerTimeout(QUICK_HEADERS)
        .stallTimeout(Duration.ofSeconds(10))
        .start(new InetSocketAddress("127.0.0.1", 0));
  }

  /**
   * What skopeo and podman do first against a registry: a TLS handshake, here the JDK's own
   * ClientHello over a plain socket, with a 10 s timeout as in containers/image. Returns what the
   * handshake threw.
   */
  private static Throwable tlsHandshake(int port) throws IOException {
    try (Socket plain = new Socket("127.0.0.1", port)) {
      plain.setSoTimeout(10_000);
      SSLSocket tls =
          (SSLSocket)
              ((SSLSocketFactory) SSLSocketFactory.getDefault())
                  .createSocket(plain, "127.0.0.1", port, true);
      return catchThrowable(tls::startHandshake);
    }
  }

  /** The next byte, or -1 at the end of the stream or when the peer reset the connection. */
  private static int readOrReset(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (SocketException reset) {
      return -1;
    }
  }

  /** The status line and headers of a response, up to the empty line. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in the response head: " + head);
      }
      head.append((char) c);
    }
    return head.toString();
  }

  /** "status body" of a response with a Content-Length, read off a keep-alive connection. */
  private static String readResponse(InputStream in) throws IOException {
    String head = readHead(in);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return head.substring(9, 12) + " " + new String(body, US_ASCII);
  }

  /** Whether a connection to {@code port} is refused now. */
  private static boolean refusesConnections(int port) {
    try {
      new Socket("127.0.0.1", port).close();
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (SocketException e) {
      // A connection queued on a listener that is closing right now is reset: not yet the
      // answer, ask again.
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int rawStatus(String path) throws IOException {
    String response = rawResponse(server.port(), path);
    return Integer.parseInt(response.substring(9, 12));
  }

  private static String rawResponse(int port, String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return all.toString(StandardCharsets.UTF_8);
    }
  }
}
