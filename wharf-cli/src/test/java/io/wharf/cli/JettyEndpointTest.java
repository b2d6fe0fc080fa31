package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.server.transport.RawHttp;
import io.wharf.oci.server.transport.TestHandler;
import io.wharf.oci.server.transport.TransportContract;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTTP stack {@code wharf serve} runs (Jetty, its configuration and the registry servlet) keeps
 * the transport contract, and answers hostile requests with the spec's JSON errors.
 */
class JettyEndpointTest extends TransportContract {

  JettyEndpoint endpoint;

  @Override
  protected URI start(TestHandler handler) throws Exception {
    endpoint = JettyEndpoint.start(handler, new InetSocketAddress("127.0.0.1", 0));
    return URI.create("http://127.0.0.1:" + endpoint.port());
  }

  @Override
  protected void stop() {
    endpoint.close();
  }

  @Test
  void requestLinesAndHeadersJettyRefusesAreAnsweredInJson() throws Exception {
    assertJsonError(RawHttp.get(port(), "/v2/a%zz/tags/list"), 400, "NAME_INVALID");
    String longLine = RawHttp.get(port(), "/v2/" + "a".repeat(64 * 1024));
    assertJsonError(longLine, 414, "NAME_INVALID");
    String bigHeaders =
        RawHttp.exchange(
            port(), "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(64 * 1024) + "\r\n");
    assertJsonError(bigHeaders, 431, "UNSUPPORTED");
    String badVersion = RawHttp.exchange(port(), "GET /v2/ HTTP/9.9\r\nHost: x\r\n");
    assertThat(RawHttp.body(badVersion)).doesNotContain("<");
  }

  @Test
  void aFailureBeforeTheAnswerIsCommittedIsTheSpecsJson500WithoutItsText() throws Exception {
    // The body fails before its first byte, as a full disk would: no HTML,
    // no exception text.
    String r = RawHttp.get(port(), "/fail?after=0&size=10");
    assertJsonError(r, 500, "UNKNOWN");
    assertThat(r).doesNotContain("storage failed");
  }

  @Test
  void aBodyTricklingBelowTheMinimumRateIsCut() throws Exception {
    List<Socket> slow = RawHttp.trickle(port(), 1, "PUT", "/upload", 100_000, 10);
    try {
      assertThat(handler.uploadsStarted.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
      OutputStream out = slow.get(0).getOutputStream();
      // The attack: a byte now and then. When this one comes, after the grace, 11 bytes in more
      // than 5 s is below 1 KiB/s.
      Thread.sleep(MinimumBodyRate.GRACE.toMillis() + 500);
      out.write(1);
      out.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (handler.readFailures.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(handler.readFailures).isNotEmpty();
    } finally {
      RawHttp.closeAll(slow);
    }
    assertThat(RawHttp.status(RawHttp.get(port(), "/echo/after"))).isEqualTo(200);
  }

  /**
   * The rate is each request's own: a server that has already received much (here 8 MiB) still cuts
   * a trickling body. (Jetty's MinimumDataRateHandler divides all the bytes the server has read by
   * the request's time, which let any trickle through once enough had been uploaded.)
   */
  @Test
  void aTrickleIsCutAlsoAfterTheServerReceivedMuch() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> big =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port() + "/upload"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[8 << 20]))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(big.statusCode()).isEqualTo(201);
    handler.uploadsStarted.drainPermits();
    aBodyTricklingBelowTheMinimumRateIsCut();
  }

  @Test
  void tricklingBodiesBeyondThePerClientBoundAre429AndReadsAreStillAnswered() throws Exception {
    List<Socket> held =
        RawHttp.trickle(
            port(), HttpLimits.defaults().maxBodiesPerClient(), "PUT", "/upload", 1000, 1);
    List<Socket> refused = List.of();
    try {
      assertThat(
              handler.uploadsStarted.tryAcquire(
                  HttpLimits.defaults().maxBodiesPerClient(), 30, TimeUnit.SECONDS))
          .isTrue();
      refused = RawHttp.trickle(port(), 8, "PATCH", "/upload", 1000, 1);
      for (Socket s : refused) {
        assertThat(RawHttp.statusLine(s)).startsWith("HTTP/1.1 429");
      }
      assertThat(RawHttp.status(RawHttp.get(port(), "/echo/other"))).isEqualTo(200);
    } finally {
      RawHttp.closeAll(held);
      RawHttp.closeAll(refused);
    }
  }

  @Test
  void theLimitsGivenAreTheOnesKept() throws Exception {
    TestHandler own = new TestHandler();
    try (JettyEndpoint small =
        JettyEndpoint.start(
            own, new InetSocketAddress("127.0.0.1", 0), new HttpLimits(3, 2, 1024))) {
      List<Socket> held = RawHttp.trickle(small.port(), 2, "PUT", "/upload", 1000, 1);
      List<Socket> refused = List.of();
      try {
        assertThat(own.uploadsStarted.tryAcquire(2, 30, TimeUnit.SECONDS)).isTrue();
        refused = RawHttp.trickle(small.port(), 1, "PUT", "/upload", 1000, 1);
        assertThat(RawHttp.statusLine(refused.get(0))).startsWith("HTTP/1.1 429");
        assertThat(own.uploadsStarted.availablePermits()).isZero();
      } finally {
        RawHttp.closeAll(held);
        RawHttp.closeAll(refused);
      }
    }
  }
}
