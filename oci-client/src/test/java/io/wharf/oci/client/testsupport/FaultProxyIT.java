package io.wharf.oci.client.testsupport;

import static io.wharf.oci.client.testsupport.RegistryHttp.CLIENT;
import static io.wharf.oci.client.testsupport.RegistryHttp.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link FaultProxy} in front of the real {@code docker-registry}, seen by the JDK HttpClient. */
class FaultProxyIT {

  private static final int BLOB_SIZE = 2 * 1024 * 1024;
  private static DockerRegistryProcess registry;
  private static byte[] blob;
  private static String digest;

  @BeforeAll
  static void startRegistryWithABlob() throws Exception {
    DockerRegistryProcess.requireAvailable();
    registry = DockerRegistryProcess.start();
    blob = new byte[BLOB_SIZE];
    new Random(42).nextBytes(blob);
    digest = RegistryHttp.sha256(blob);
    assertThat(RegistryHttp.pushBlob(registry.baseUri(), "fault/app", blob, Optional.empty()))
        .isEqualTo(201);
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  private static URI blobUri(FaultProxy proxy) {
    return proxy.baseUri().resolve("/v2/fault/app/blobs/" + digest);
  }

  /** Reads the body until it ends or fails; returns the bytes read and whether it failed. */
  private static byte[] readAll(InputStream in, boolean[] failed) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      failed[0] = true;
    }
    return out.toByteArray();
  }

  @Test
  void passesThroughOnOneKeepAliveConnection() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.host())) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<byte[]> r =
            CLIENT.send(
                HttpRequest.newBuilder(blobUri(proxy)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(blob);
      }
      assertThat(proxy.requestCount()).isEqualTo(3);
      assertThat(proxy.connections()).isEqualTo(1);
      assertThat(proxy.bytesToClient()).isGreaterThan(3L * BLOB_SIZE);
      assertThat(proxy.requests()).allMatch(RequestHead::isBlobRead);
    }
  }

  @Test
  void aDownloadIsCutAfterNBytesAndCanResumeWithARange() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.host())) {
      long cutAt = 700_000;
      FaultProxy.Injection cut =
          proxy.inject(Fault.cutResponseAfter(cutAt), 1, RequestHead::isBlobRead);
      HttpResponse<InputStream> r =
          CLIENT.send(
              HttpRequest.newBuilder(blobUri(proxy)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      boolean[] failed = {false};
      byte[] part = readAll(r.body(), failed);
      assertThat(failed[0]).as("the short body is an error").isTrue();
      assertThat(cut.triggered()).isEqualTo(1);
      assertThat(part.length).isLessThan((int) cutAt).isGreaterThan(0);
      assertThat(part).isEqualTo(Arrays.copyOf(blob, part.length));

      // the fault is spent: the rest comes with a Range request
      HttpResponse<byte[]> rest =
          CLIENT.send(
              HttpRequest.newBuilder(blobUri(proxy))
                  .header("Range", "bytes=" + part.length + "-")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(rest.statusCode()).isEqualTo(206);
      assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(blob, part.length, BLOB_SIZE));
    }
  }

  @Test
  void anUploadIsCutAfterNBytes() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.host())) {
      FaultProxy.Injection cut =
          proxy.inject(
              Fault.cutRequestAfter(300_000), 1, h -> h.method().equals("PUT") && h.isBlobUpload());
      byte[] other = Arrays.copyOf(blob, 1_000_000);
      other[0] ^= 1;
      assertThatThrownBy(
              () -> RegistryHttp.pushBlob(proxy.baseUri(), "fault/upload", other, Optional.empty()))
          .isInstanceOf(IOException.class);
      assertThat(cut.triggered()).isEqualTo(1);
      assertThat(proxy.bytesToTarget()).isLessThan(400_000);
      HttpResponse<String> head =
          CLIENT.send(
              HttpRequest.newBuilder(
                      registry
                          .baseUri()
                          .resolve("/v2/fault/upload/blobs/" + RegistryHttp.sha256(other)))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(head.statusCode()).isEqualTo(404);
      // and with the fault spent the same push goes through the proxy
      assertThat(RegistryHttp.pushBlob(proxy.baseUri(), "fault/upload", other, Optional.empty()))
          .isEqualTo(201);
    }
  }

  @Test
  void tooManyRequestsThenA503BurstReachTheClient() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.host())) {
      URI v2 = proxy.baseUri().resolve("/v2/");
      proxy.inject(Fault.respond(CannedResponse.tooManyRequests(Duration.ofSeconds(1))), 1);
      HttpResponse<String> limited = get(v2, Optional.empty());
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).contains("1");
      assertThat(limited.body()).contains("TOOMANYREQUESTS");

      FaultProxy.Injection burst =
          proxy.inject(Fault.respond(CannedResponse.serviceUnavailable()), 3);
      for (int i = 0; i < 3; i++) {
        assertThat(get(v2, Optional.empty()).statusCode()).isEqualTo(503);
      }
      assertThat(burst.remaining()).isZero();
      HttpResponse<String> ok = get(v2, Optional.empty());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Docker-Distribution-API-Version"))
          .contains("registry/2.0");
      // the canned answers kept the connection alive
      assertThat(proxy.connections()).isEqualTo(1);
      assertThat(proxy.requestCount()).isEqualTo(5);
    }
  }

  @Test
  void aCannedAnswerToAnUploadSkipsItsBody() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.host())) {
      proxy.inject(
          Fault.respond(CannedResponse.serviceUnavailable()),
          1,
          h -> h.method().equals("PUT") && h.isBlobUpload());
      byte[] small =
          "a body the proxy swallows\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      assertThat(RegistryHttp.pushBlob(proxy.baseUri(), "fault/canned", small, Optional.empty()))
          .isEqualTo(503);
      assertThat(RegistryHttp.pushBlob(proxy.baseUri(), "fault/canned", small, Optional.empty()))
          .isEqualTo(201);
      assertThat(proxy.connections()).isEqualTo(1);
    }
  }

  @Test
  void aTrickleIsSlowEnoughForATimeout() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.host())) {
      URI small = proxy.baseUri().resolve("/v2/fault/app/blobs/" + digest);
      proxy.trickleResponses(64 * 1024);
      long start = System.nanoTime();
      HttpResponse<byte[]> r =
          CLIENT.send(
              HttpRequest.newBuilder(small).header("Range", "bytes=0-49999").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(r.body()).isEqualTo(Arrays.copyOf(blob, 50_000));
      assertThat(took).isGreaterThan(Duration.ofMillis(600)); // 50 KB at 64 KiB/s: about 0.76 s

      proxy.trickleResponses(100); // the status line and headers alone take seconds
      HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      assertThatThrownBy(
              () ->
                  fresh.send(
                      HttpRequest.newBuilder(proxy.baseUri().resolve("/v2/"))
                          .timeout(Duration.ofMillis(500))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(HttpTimeoutException.class);
    }
  }
}
