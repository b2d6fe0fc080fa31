package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.local.LocalStorage;
import io.wharf.oci.storage.tck.StalledStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload sessions through the engine: limits per client and per repository against floods, expiry,
 * sessions busy with a stalled chunk, and sessions kept in the store across a restart.
 */
class UploadSessionsTest {

  private static final byte[] CONTENT = content(3000);
  private static final Digest DIGEST = Digest.sha256(Bytes.of(CONTENT));

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private static byte[] content(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  private static Optional<InetSocketAddress> client(String ip) {
    return Optional.of(new InetSocketAddress(ip, 40000));
  }

  private static RegistryResponse call(
      RegistryHandler r,
      String client,
      HttpMethod method,
      String target,
      Headers headers,
      InputStream body)
      throws IOException {
    int q = target.indexOf('?');
    return r.handle(
        new RegistryRequest(
            method,
            q < 0 ? target : target.substring(0, q),
            q < 0 ? "" : target.substring(q + 1),
            headers,
            body,
            client(client)));
  }

  private static RegistryResponse call(
      RegistryHandler r, String client, HttpMethod method, String target) throws IOException {
    return call(r, client, method, target, Headers.empty(), InputStream.nullInputStream());
  }

  private static RegistryResponse post(RegistryHandler r, String client, String repo)
      throws IOException {
    return call(r, client, HttpMethod.POST, "/v2/" + repo + "/blobs/uploads/");
  }

  private static String location(RegistryResponse r) {
    assertThat(r.status()).as("a session started").isEqualTo(202);
    return r.headers().first("Location").orElseThrow();
  }

  private static RegistryResponse patch(
      RegistryHandler r, String client, String location, byte[] bytes, int from, int to)
      throws IOException {
    return call(
        r,
        client,
        HttpMethod.PATCH,
        location,
        Headers.builder().set("Content-Range", from + "-" + (to - 1)).build(),
        Bytes.of(Arrays.copyOfRange(bytes, from, to)).openStream());
  }

  private static RegistryResponse put(RegistryHandler r, String client, String location)
      throws IOException {
    return call(r, client, HttpMethod.PUT, location + "?digest=" + DIGEST);
  }

  /** POST, PATCH of the whole content, PUT: the status of the PUT. */
  private static int push(RegistryHandler r, String client, String repo) throws IOException {
    String location = location(post(r, client, repo));
    assertThat(patch(r, client, location, CONTENT, 0, CONTENT.length).status()).isEqualTo(202);
    return put(r, client, location).status();
  }

  // ------------------------------------------------------------------------------- floods

  @Test
  void tenThousandEmptyPostsFromOneClientDoNotStopAnotherClientsPush() throws IOException {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    int refused = 0;
    for (int i = 0; i < 10_000; i++) {
      RegistryResponse r = post(registry, "192.0.2.66", "app");
      if (r.status() == 429) {
        refused++;
        assertThat(r.headers().first("Retry-After")).hasValueSatisfying(this::positiveSeconds);
      }
    }
    assertThat(refused).isEqualTo(10_000 - Registry.DEFAULT_MAX_UPLOADS_PER_CLIENT);
    assertThat(push(registry, "192.0.2.7", "app")).isEqualTo(201);
    assertThat(push(registry, "192.0.2.7", "other")).isEqualTo(201);
  }

  @Test
  void aFloodOfOneRepositoryFromManyClientsDoesNotStopPushesToAnother() throws IOException {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    for (int i = 0; i < 10_000; i++) {
      post(registry, "198.51.100." + (i % 100), "flooded");
    }
    RegistryResponse refused = post(registry, "192.0.2.7", "flooded");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.headers().first("Retry-After")).hasValueSatisfying(this::positiveSeconds);
    assertThat(push(registry, "192.0.2.7", "other")).isEqualTo(201);
  }

  @Test
  void ipv6ClientsAreCountedByTheirSlash64Network() throws IOException {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).maxUploadsPerClient(2).build();
    location(post(registry, "2001:db8:1:2::1", "app"));
    location(post(registry, "2001:db8:1:2:ffff::9", "app"));
    assertThat(post(registry, "2001:db8:1:2::77", "app").status()).isEqualTo(429);
    assertThat(post(registry, "2001:db8:1:3::1", "app").status()).isEqualTo(202);
  }

  private void positiveSeconds(String value) {
    assertThat(Long.parseLong(value)).isPositive();
  }

  // ------------------------------------------------------------------------------- expiry

  @Test
  void retryAfterIsTheTimeUntilTheNextIdleSessionExpiresAndThenASlotIsFree() throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T00:00:00Z"));
    Registry registry =
        Registry.builder(RegistryStorage.inMemory()).clock(clock).maxUploadsPerClient(2).build();
    String first = location(post(registry, "192.0.2.66", "app"));
    clock.advance(Duration.ofMinutes(3));
    location(post(registry, "192.0.2.66", "app"));
    RegistryResponse refused = post(registry, "192.0.2.66", "app");
    assertThat(refused.status()).isEqualTo(429);
    // The first session, idle since minute 0, expires at minute 10: 7 minutes from now.
    assertThat(refused.headers().first("Retry-After")).contains("420");
    assertThat(code(refused)).isEqualTo("TOOMANYREQUESTS");

    clock.advance(Duration.ofSeconds(420));
    assertThat(post(registry, "192.0.2.66", "app").status()).isEqualTo(202);
    assertThat(call(registry, "192.0.2.66", HttpMethod.GET, first).status()).isEqualTo(404);
  }

  @Test
  void idleSessionsExpireInMinutesByDefault() throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T00:00:00Z"));
    Registry registry = Registry.builder(RegistryStorage.inMemory()).clock(clock).build();
    String idle = location(post(registry, "192.0.2.7", "app"));
    clock.advance(Duration.ofMinutes(11));
    location(post(registry, "192.0.2.7", "app")); // starting an upload sweeps
    assertThat(call(registry, "192.0.2.7", HttpMethod.GET, idle).status()).isEqualTo(404);
  }

  // ------------------------------------------------------------------- a session that is busy

  /** A PATCH whose body stalls after its first 1000 bytes, on another thread. */
  private Future<RegistryResponse> stalledPatch(
      Registry registry, String location, StalledStream body) throws InterruptedException {
    Future<RegistryResponse> patch =
        threads.submit(
            () -> call(registry, "192.0.2.7", HttpMethod.PATCH, location, Headers.empty(), body));
    body.awaitStalled();
    return patch;
  }

  private static StalledStream body() {
    return new StalledStream(
        Arrays.copyOfRange(CONTENT, 0, 1000), Arrays.copyOfRange(CONTENT, 1000, CONTENT.length));
  }

  /** The answer to {@code call}, which must come while the PATCH is stalled. */
  private <T> T atOnce(Callable<T> call) throws Exception {
    try {
      return threads.submit(call).get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the request waited for the stalled PATCH", e);
    }
  }

  @Test
  void statusOfASessionWithAStalledPatchAnswersAtOnceWithTheBytesReceived() throws Exception {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    String location = location(post(registry, "192.0.2.7", "app"));
    StalledStream body = body();
    Future<RegistryResponse> patch = stalledPatch(registry, location, body);

    RegistryResponse status = atOnce(() -> call(registry, "192.0.2.7", HttpMethod.GET, location));
    assertThat(status.status()).isEqualTo(204);
    assertThat(status.headers().first("Range")).contains("0-999");
    assertThat(patch.isDone()).isFalse();

    body.release();
    assertThat(patch.get().status()).isEqualTo(202);
    assertThat(put(registry, "192.0.2.7", location).status()).isEqualTo(201);
  }

  @Test
  void patchAndPutOnASessionWithAStalledPatchAnswer416WithTheRangeAtOnce() throws Exception {
    Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
    String location = location(post(registry, "192.0.2.7", "app"));
    StalledStream body = body();
    Future<RegistryResponse> patch = stalledPatch(registry, location, body);

    RegistryResponse second =
        atOnce(() -> patch(registry, "192.0.2.7", location, CONTENT, 1000, CONTENT.length));
    assertThat(second.status()).isEqualTo(416);
    assertThat(second.headers().first("Range")).contains("0-999");
    assertThat(code(second)).isEqualTo("BLOB_UPLOAD_INVALID");
    RegistryResponse finish = atOnce(() -> put(registry, "192.0.2.7", location));
    assertThat(finish.status()).isEqualTo(416);
    assertThat(patch.isDone()).isFalse();

    body.release();
    assertThat(patch.get().status()).isEqualTo(202);
    assertThat(put(registry, "192.0.2.7", location).status()).isEqualTo(201);
  }

  @Test
  void deleteOfASessionWithAStalledPatchCancelsItAtOnceAndThePatchEndsWith404() throws Exception {
    RegistryStorage storage = RegistryStorage.inMemory();
    Registry registry = Registry.builder(storage).build();
    String location = location(post(registry, "192.0.2.7", "app"));
    StalledStream body = body();
    Future<RegistryResponse> patch = stalledPatch(registry, location, body);

    RegistryResponse delete =
        atOnce(() -> call(registry, "192.0.2.7", HttpMethod.DELETE, location));
    assertThat(delete.status()).isEqualTo(204);
    assertThat(storage.blobs().uploads()).isEmpty();
    assertThat(call(registry, "192.0.2.7", HttpMethod.GET, location).status()).isEqualTo(404);
    assertThat(patch.isDone()).isFalse();

    body.release();
    RegistryResponse ended = patch.get();
    assertThat(ended.status()).isEqualTo(404);
    assertThat(code(ended)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    assertThat(storage.blobs().uploads()).isEmpty();
    assertThat(storage.blobs().stat(DIGEST)).isEmpty();
  }

  // ---------------------------------------------------------------------- across a restart

  @TempDir Path data;

  private RegistryStorage open() throws IOException {
    return LocalStorage.builder(data).durable(false).open();
  }

  @Test
  void anUploadIsResumedWhereTheStoreSaysAfterTheRegistryRestarts() throws IOException {
    String location;
    try (RegistryStorage storage = open();
        Registry registry = Registry.builder(storage).build()) {
      location = location(post(registry, "192.0.2.7", "app"));
      assertThat(patch(registry, "192.0.2.7", location, CONTENT, 0, 1000).status()).isEqualTo(202);
    }
    try (RegistryStorage storage = open();
        Registry registry = Registry.builder(storage).build()) {
      RegistryResponse status = call(registry, "192.0.2.7", HttpMethod.GET, location);
      assertThat(status.status()).isEqualTo(204);
      assertThat(status.headers().first("Range")).contains("0-999");
      // Another repository does not know it.
      String elsewhere = location.replace("/v2/app/", "/v2/other/");
      assertThat(call(registry, "192.0.2.7", HttpMethod.GET, elsewhere).status()).isEqualTo(404);
      assertThat(patch(registry, "192.0.2.9", location, CONTENT, 1000, CONTENT.length).status())
          .isEqualTo(202);
      assertThat(put(registry, "192.0.2.9", location).status()).isEqualTo(201);
      assertThat(call(registry, "192.0.2.9", HttpMethod.GET, "/v2/app/blobs/" + DIGEST).status())
          .isEqualTo(200);
    }
  }

  @Test
  void aCancelAfterTheRegistryRestartsFreesTheBytes() throws IOException {
    String location;
    try (RegistryStorage storage = open();
        Registry registry = Registry.builder(storage).build()) {
      location = location(post(registry, "192.0.2.7", "app"));
      patch(registry, "192.0.2.7", location, CONTENT, 0, 1000);
    }
    assertThat(uploadFolders()).hasSize(1);
    try (RegistryStorage storage = open();
        Registry registry = Registry.builder(storage).build()) {
      assertThat(call(registry, "192.0.2.7", HttpMethod.DELETE, location).status()).isEqualTo(204);
      assertThat(uploadFolders()).isEmpty();
    }
  }

  @Test
  void sessionsKeptInTheStoreCountAgainstTheLimitsAfterARestart() throws IOException {
    try (RegistryStorage storage = open();
        Registry registry = Registry.builder(storage).maxUploadsPerClient(2).build()) {
      location(post(registry, "192.0.2.66", "app"));
      location(post(registry, "192.0.2.66", "app"));
    }
    try (RegistryStorage storage = open();
        Registry registry = Registry.builder(storage).maxUploadsPerClient(2).build()) {
      assertThat(post(registry, "192.0.2.66", "app").status()).isEqualTo(429);
      assertThat(post(registry, "192.0.2.7", "app").status()).isEqualTo(202);
    }
  }

  private java.util.List<Path> uploadFolders() throws IOException {
    try (Stream<Path> folders = Files.list(LocalStorage.blobDirectory(data).resolve("uploads"))) {
      return folders.toList();
    }
  }

  /** The code of the first error in {@code r}'s body. */
  private static String code(RegistryResponse r) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    r.body().orElseThrow().writeTo(out);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"")
            .matcher(out.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(m.find()).as("an error body").isTrue();
    return m.group(1);
  }
}
