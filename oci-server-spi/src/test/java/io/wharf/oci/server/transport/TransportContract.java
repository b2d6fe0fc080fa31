package io.wharf.oci.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every transport must do, whatever carries it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class TransportContract {

  /** Size of the big transfers: 256 MiB, or 1 GiB with {@code -Dwharf.bigTransfer=true}. */
  static final long BIG =
      Boolean.getBoolean("wharf.bigTransfer") ? 1024L * 1024 * 1024 : 256L * 1024 * 1024;

  /** Heap growth (after GC) allowed over a big transfer. */
  static final long HEAP_SLACK = 8L * 1024 * 1024;

  protected TestHandler handler;
  protected URI base;
  protected HttpClient client;

  /** Starts the transport with {@code handler}; returns its base URI. */
  protected abstract URI start(TestHandler handler) throws Exception;

  /** Stops the transport. */
  protected abstract void stop() throws Exception;

  @BeforeEach
  void startTransport() throws Exception {
    handler = new TestHandler();
    base = start(handler);
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  @AfterEach
  void stopTransport() throws Exception {
    handler.release.countDown();
    stop();
  }

  protected HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(60));
  }

  @Test
  void bigRequestBodyStreamsWithFlatHeap() throws Exception {
    long before = usedHeapAfterGc();
    HttpResponse<String> r =
        client.send(
            request("/upload")
                .PUT(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> TestHandler.generatedStream(BIG)),
                        BIG))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    long after = usedHeapAfterGc();
    System.out.printf(
        "%s upload %d MiB: used heap after GC %d KiB before, %d KiB after (%+d KiB)%n",
        getClass().getSimpleName(), BIG >> 20, before >> 10, after >> 10, (after - before) >> 10);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("X-Bytes")).hasValue(Long.toString(BIG));
    assertThat(r.headers().firstValue("X-Sha256")).hasValue(TestHandler.expectedSha256(BIG));
    assertThat(after - before).isLessThan(HEAP_SLACK);
  }

  @Test
  void bigResponseBodyStreamsWithFlatHeap() throws Exception {
    long before = usedHeapAfterGc();
    HttpResponse<InputStream> r =
        client.send(
            request("/blob?size=" + BIG).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(BIG);
    MessageDigest md = TestHandler.sha256();
    long n = 0;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[64 * 1024];
      for (int k; (k = in.read(buf)) > 0; ) {
        md.update(buf, 0, k);
        n += k;
      }
    }
    long after = usedHeapAfterGc();
    System.out.printf(
        "%s download %d MiB: used heap after GC %d KiB before, %d KiB after (%+d KiB)%n",
        getClass().getSimpleName(), BIG >> 20, before >> 10, after >> 10, (after - before) >> 10);
    assertThat(n).isEqualTo(BIG);
    assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(TestHandler.expectedSha256(BIG));
    assertThat(after - before).isLessThan(HEAP_SLACK);
  }

  @Test
  void anAnswerGivenBeforeTheBodyWasReadReachesTheClient() throws Exception {
    // 8 MiB the handler never reads: the client must still read the refusal, not a reset.
    byte[] body = new byte[8 << 20];
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          client.send(
              request("/refuse").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("not here");
    }
  }

  @Test
  void manyConcurrentRequests() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      futures.add(
          client.sendAsync(request("/echo/" + i).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < futures.size(); i++) {
      HttpResponse<String> r = futures.get(i).get(60, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("/echo/" + i);
    }
  }

  @Test
  void unknownMethodIs405WithOciError() throws Exception {
    HttpResponse<String> r =
        client.send(
            request("/echo").method("BREW", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).contains("\"code\":\"UNSUPPORTED\"").startsWith("{\"errors\":[");
    assertThat(r.headers().firstValue("Allow")).hasValueSatisfying(v -> v.contains("PATCH"));
  }

  @Test
  void patchReachesTheHandler() throws Exception {
    HttpResponse<String> r =
        client.send(
            request("/echo").method("PATCH", HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Method")).hasValue("PATCH");
  }

  @Test
  void headKeepsContentLength() throws Exception {
    HttpResponse<String> r =
        client.send(
            request("/blob?size=123456")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().allValues("Content-Length")).containsExactly("123456");
    assertThat(r.body()).isEmpty();
    // The connection is still usable after a HEAD: no stray body bytes.
    HttpResponse<String> again =
        client.send(request("/echo/next").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.body()).isEqualTo("/echo/next");
  }

  @Test
  void repeatedQueryParamsReachTheHandler() throws Exception {
    String raw = "n=10&tag=a&tag=b%2Fc&tag=a&empty=&last=x%20y";
    HttpResponse<String> r =
        client.send(request("/query?" + raw).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo(raw + "\n{n=[10], tag=[a, b/c, a], empty=[], last=[x y]}");
  }

  @Test
  void decodedPathReachesTheHandler() throws Exception {
    HttpResponse<String> r =
        client.send(request("/echo/a%3Ab%20c").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("/echo/a:b c");
  }

  @Test
  void handlerFailingMidBodyBreaksTheConnection() {
    int after = 1024 * 1024;
    assertThatThrownBy(
            () ->
                client.send(
                    request("/fail?after=" + after).build(),
                    HttpResponse.BodyHandlers.ofByteArray()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void smallBodiesAndEmptyBodies() throws Exception {
    HttpResponse<byte[]> r =
        client.send(request("/blob?size=0").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Length")).hasValue("0");
    assertThat(r.body()).isEmpty();
    HttpResponse<String> u =
        client.send(
            request("/upload").PUT(HttpRequest.BodyPublishers.ofString("hello")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(u.statusCode()).isEqualTo(201);
    assertThat(u.headers().firstValue("X-Bytes")).hasValue("5");
    assertThat(u.headers().firstValue("X-Sha256"))
        .hasValue(
            HexFormat.of()
                .formatHex(
                    TestHandler.sha256().digest("hello".getBytes(StandardCharsets.US_ASCII))));
  }

  /**
   * Whether the transport answers requests that the HTTP layer refuses (ambiguous paths, a request
   * line too long) itself, with the spec's JSON error. A bare servlet container answers them with
   * its own pages before the servlet runs.
   */
  protected boolean answersRefusedPathsItself() {
    return true;
  }

  /** The port the transport listens on. */
  protected int port() {
    return base.getPort();
  }

  @Test
  void hostileRawPathsAreAnsweredWithTheSpecsJsonError() throws Exception {
    Assumptions.assumeTrue(answersRefusedPathsItself(), "the container's own error pages");
    assertJsonError(RawHttp.get(port(), "/v2/a%2Fb/blobs/x"), 404, "NAME_UNKNOWN");
    assertJsonError(RawHttp.get(port(), "/v2/a%2fb/tags/list"), 404, "NAME_UNKNOWN");
    assertJsonError(RawHttp.get(port(), "/v2/a/%2e%2e/b/tags/list"), 404, "NAME_UNKNOWN");
    assertJsonError(RawHttp.get(port(), "/v2/a/%2E%2E/b/tags/list"), 404, "NAME_UNKNOWN");
    assertJsonError(RawHttp.get(port(), "/v2/a%00b/tags/list"), 400, "NAME_INVALID");
    // An empty segment is no refusal: it reaches the handler as it is.
    String doubleSlash = RawHttp.get(port(), "/echo//x");
    assertThat(RawHttp.status(doubleSlash)).as(doubleSlash).isEqualTo(200);
    assertThat(RawHttp.body(doubleSlash)).isEqualTo("/echo//x");
    String tooLong = RawHttp.get(port(), "/v2/" + "a".repeat(TransportSupport.MAX_PATH_LENGTH));
    assertThat(RawHttp.status(tooLong)).as(tooLong).isIn(400, 414);
    assertJsonError(tooLong, RawHttp.status(tooLong), "NAME_INVALID");
  }

  /** {@code response} has {@code status}, a JSON body with {@code code} and no exception text. */
  protected static void assertJsonError(String response, int status, String code) {
    assertThat(RawHttp.status(response)).as(response).isEqualTo(status);
    assertThat(RawHttp.head(response)).containsIgnoringCase("Content-Type: application/json");
    assertThat(RawHttp.body(response))
        .as(response)
        .startsWith("{\"errors\":[{\"code\":\"" + code + "\"")
        .doesNotContain("Exception")
        .doesNotContain("<");
  }

  static long usedHeapAfterGc() throws InterruptedException {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return min;
  }
}
