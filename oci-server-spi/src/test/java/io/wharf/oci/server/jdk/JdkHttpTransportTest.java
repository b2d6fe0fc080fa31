package io.wharf.oci.server.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.server.transport.TestHandler;
import io.wharf.oci.server.transport.TransportContract;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JdkHttpTransportTest extends TransportContract {

  static final Duration STALL = Duration.ofSeconds(1);

  RegistryServer server;

  @Override
  protected URI start(TestHandler handler) throws IOException {
    server =
        JdkHttpTransport.of(handler)
            .stallTimeout(STALL)
            .start(new InetSocketAddress("127.0.0.1", 0));
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

  @Test
  void stalledUploadIsCutWithinTheStallTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n0123456789")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      // The server closes the connection: the read ends (EOF or reset) rather than timing out.
      try {
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      } catch (java.net.SocketException reset) {
        // Also a release.
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(ms).isLessThan(STALL.toMillis() + 3000);
    }
    // The handler's read failed: its thread is free.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (handler.readFailures.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(handler.readFailures).isNotEmpty();
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
    Thread.sleep(300);
    assertThat(closing).isNotDone();
    // No new connections while draining.
    assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close())
        .isInstanceOf(ConnectException.class);
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
      Thread.sleep(300);
      String third = rawResponse(small.port(), "/echo/3");
      assertThat(third).startsWith("HTTP/1.1 503").contains("\"code\":\"UNAVAILABLE\"");
      busy.release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(queued.get(10, TimeUnit.SECONDS).body()).isEqualTo("/echo/q");
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
