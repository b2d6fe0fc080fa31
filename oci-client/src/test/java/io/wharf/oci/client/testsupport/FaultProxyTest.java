package io.wharf.oci.client.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link FaultProxy} on raw sockets, in front of a JDK HttpServer that echoes what it got. */
class FaultProxyTest {

  private HttpServer backend;

  @BeforeEach
  void startBackend() throws IOException {
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    backend.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] echo =
                (exchange.getRequestMethod()
                        + " "
                        + exchange.getRequestURI()
                        + " "
                        + body.length
                        + " "
                        + new String(body, StandardCharsets.ISO_8859_1))
                    .getBytes(StandardCharsets.ISO_8859_1);
            exchange.sendResponseHeaders(200, echo.length);
            exchange.getResponseBody().write(echo);
          }
        });
    backend.start();
  }

  @AfterEach
  void stopBackend() {
    backend.stop(0);
  }

  private FaultProxy proxy() throws IOException {
    return FaultProxy.start("127.0.0.1", backend.getAddress().getPort());
  }

  private static Socket connect(FaultProxy proxy) throws IOException {
    Socket s = new Socket("127.0.0.1", proxy.port());
    s.setSoTimeout(10_000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** A response read off the wire: status, head (lower-cased), body per Content-Length. */
  private record Response(int status, String head, String body) {}

  private static Response read(Socket s, boolean head) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    while (!h.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("EOF in response head: " + h);
      }
      h.write(b);
    }
    String text = h.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    int status = Integer.parseInt(text.substring(9, 12));
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    String body = head ? "" : new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    return new Response(status, text, body);
  }

  @Test
  void chunkedAndFixedBodiesAreFramedOnOneConnection() throws Exception {
    try (FaultProxy proxy = proxy();
        Socket s = connect(proxy)) {
      send(
          s,
          "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      assertThat(read(s, false).body()).isEqualTo("POST /a 11 hello world");
      send(s, "PUT /b?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
      assertThat(read(s, false).body()).isEqualTo("PUT /b?q=1 3 abc");
      send(s, "\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(read(s, false).body()).isEqualTo("GET /c 0 ");
      assertThat(proxy.requestCount()).isEqualTo(3);
      assertThat(proxy.connections()).isEqualTo(1);
      assertThat(proxy.requests())
          .extracting(RequestHead::method, RequestHead::path)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("POST", "/a"),
              org.assertj.core.groups.Tuple.tuple("PUT", "/b"),
              org.assertj.core.groups.Tuple.tuple("GET", "/c"));
      assertThat(proxy.requests().get(0).header("TRANSFER-ENCODING")).contains("chunked");
    }
  }

  @Test
  void chunkExtensionsAndTrailersAreFramedAndForwardedVerbatim() throws Exception {
    // The JDK HttpServer refuses both, so a raw socket takes the bytes.
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        FaultProxy proxy = FaultProxy.start("127.0.0.1", raw.getLocalPort())) {
      CompletableFuture<byte[]> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket in = raw.accept()) {
                  return in.getInputStream().readAllBytes();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      String first =
          "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5;ext=1\r\nhello\r\nB\r\n 0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
      String second = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
      try (Socket s = connect(proxy)) {
        send(s, first + second);
        s.shutdownOutput();
        assertThat(received.get(10, TimeUnit.SECONDS))
            .asString(StandardCharsets.ISO_8859_1)
            .isEqualTo(first + second);
      }
      assertThat(proxy.requests()).extracting(RequestHead::path).containsExactly("/a", "/b");
    }
  }

  @Test
  void cannedResponsesSkipTheBodyAndOmitItForHead() throws Exception {
    try (FaultProxy proxy = proxy();
        Socket s = connect(proxy)) {
      FaultProxy.Injection i =
          proxy.inject(
              Fault.respond(CannedResponse.serviceUnavailable().withHeader("X-Injected", "1")),
              2,
              h -> h.path().startsWith("/fail"));
      send(s, "POST /fail HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody");
      Response r = read(s, false);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.head()).contains("x-injected: 1");
      assertThat(r.body()).startsWith("service unavailable");
      send(s, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(read(s, false).body()).isEqualTo("GET /ok 0 ");
      send(s, "HEAD /fail HTTP/1.1\r\nHost: x\r\n\r\n");
      Response head = read(s, true);
      assertThat(head.status()).isEqualTo(503);
      assertThat(head.head()).contains("content-length: 45");
      // had the body been sent, this response would be misread
      send(s, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(read(s, false).body()).isEqualTo("GET /after 0 ");
      assertThat(i.triggered()).isEqualTo(2);
      assertThat(i.remaining()).isZero();
    }
  }

  @Test
  void aCannedAnswerToExpectContinueClosesTheConnection() throws Exception {
    try (FaultProxy proxy = proxy();
        Socket s = connect(proxy)) {
      proxy.inject(Fault.respond(CannedResponse.of(413)), 1);
      send(
          s,
          "PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n");
      Response r = read(s, false);
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.head()).contains("connection: close");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void disconnectClosesOrResets() throws Exception {
    try (FaultProxy proxy = proxy()) {
      proxy.inject(Fault.disconnect(), 1);
      try (Socket s = connect(proxy)) {
        send(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      proxy.inject(Fault.disconnect().withReset(), 1);
      try (Socket s = connect(proxy)) {
        send(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThatThrownBy(() -> s.getInputStream().read())
            .isInstanceOf(SocketException.class)
            .hasMessageContaining("reset");
      }
      try (Socket s = connect(proxy)) {
        send(s, "GET /fine HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(read(s, false).body()).isEqualTo("GET /fine 0 ");
      }
    }
  }

  @Test
  void aResponseCutAppliesToTheClaimingRequestOnly() throws Exception {
    try (FaultProxy proxy = proxy();
        Socket s = connect(proxy)) {
      proxy.inject(Fault.cutResponseAfter(30), 1, h -> h.path().equals("/cut"));
      send(s, "GET /whole HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(read(s, false).body()).isEqualTo("GET /whole 0 ");
      send(s, "GET /cut HTTP/1.1\r\nHost: x\r\n\r\n");
      byte[] got = s.getInputStream().readAllBytes(); // until the proxy closes
      assertThat(got).hasSize(30);
      assertThat(new String(got, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aRequestCutForwardsExactlyNBytes() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        FaultProxy proxy = FaultProxy.start("127.0.0.1", raw.getLocalPort())) {
      CompletableFuture<byte[]> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket in = raw.accept()) {
                  return in.getInputStream().readAllBytes();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      proxy.inject(Fault.cutRequestAfter(100), 1);
      try (Socket s = connect(proxy)) {
        String head = "PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n";
        send(s, head + "z".repeat(10_000));
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      byte[] got = received.get(10, TimeUnit.SECONDS);
      assertThat(got).hasSize(100);
      assertThat(new String(got, StandardCharsets.ISO_8859_1)).startsWith("PUT /up HTTP/1.1");
      assertThat(proxy.bytesToTarget()).isEqualTo(100);
    }
  }

  @Test
  void trickleSlowsTheResponse() throws Exception {
    try (FaultProxy proxy = proxy();
        Socket s = connect(proxy)) {
      proxy.trickleResponses(400); // about 100 bytes of response: a quarter of a second
      long start = System.nanoTime();
      send(s, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(read(s, false).body()).isEqualTo("GET /slow 0 ");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(150));
      long trickled = proxy.trickledBytes();
      assertThat(trickled).isPositive();
      proxy.clearFaults();
      // Not slowed any more, on the same connection: no byte of the next response is trickled
      // (counted, not timed).
      send(s, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(read(s, false).body()).isEqualTo("GET /fast 0 ");
      assertThat(proxy.trickledBytes()).isEqualTo(trickled);
    }
  }

  @Test
  void aStalledResponseSendsExactlyItsBytesAndKeepsTheConnectionOpen() throws Exception {
    try (FaultProxy proxy = proxy();
        Socket s = connect(proxy)) {
      FaultProxy.Injection stall =
          proxy.inject(Fault.stallResponseAfter(20), 1, h -> h.path().equals("/stalled"));
      s.setSoTimeout(1000); // the stall is for good: only this timeout ends the read
      send(s, "GET /stalled HTTP/1.1\r\nHost: x\r\n\r\n");
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[256];
      assertThatThrownBy(
              () -> {
                for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                  got.write(buf, 0, n);
                }
              })
          .isInstanceOf(java.net.SocketTimeoutException.class);
      assertThat(got.size()).isEqualTo(20);
      assertThat(got.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200 OK\r\n");
      assertThat(stall.triggered()).isEqualTo(1);
      assertThat(proxy.openConnections()).isEqualTo(1);
    }
  }

  @Test
  void trickleSlowsTheRequest() throws Exception {
    try (FaultProxy proxy = proxy();
        Socket s = connect(proxy)) {
      proxy.trickleRequests(1000); // a 60-byte head and a 300-byte body: about a third of a second
      long start = System.nanoTime();
      send(s, "PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 300\r\n\r\n" + "b".repeat(300));
      assertThat(read(s, false).body()).startsWith("PUT /up 300 bbb");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(250));
      assertThat(proxy.bytesToTarget()).isGreaterThan(300);
    }
  }

  @Test
  void anOversizedHeadClosesTheConnection() throws Exception {
    try (FaultProxy proxy = proxy();
        Socket s = connect(proxy)) {
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
      try {
        for (int i = 0; i < 20; i++) {
          out.write(
              ("X-Big-" + i + ": " + "v".repeat(4000) + "\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
        }
      } catch (SocketException e) {
        // the proxy may close before we finish writing
      }
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat(proxy.requestCount()).isZero();
    }
  }

  @Test
  void closeStopsEveryThread() throws Exception {
    FaultProxy proxy = proxy();
    String prefix = "fault-proxy-" + proxy.port();
    Socket open = connect(proxy);
    send(open, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
    read(open, false);
    assertThat(proxy.openConnections()).isEqualTo(1);
    proxy.close();
    assertThat(open.getInputStream().read()).isEqualTo(-1);
    open.close();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(
            t ->
                t.getName().startsWith(prefix)
                    || t.getName().startsWith("fault-proxy-accept-" + proxy.port()));
    assertThat(proxy.openConnections()).isZero();
  }
}
