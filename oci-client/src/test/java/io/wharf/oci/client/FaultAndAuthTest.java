package io.wharf.oci.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.ResponseBody;
import io.wharf.oci.server.testing.RegistryExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults, auth and redirects, injected in front of an in-process Wharf registry: retries on 503 and
 * 429, a download that breaks and resumes, a PATCH that fails after the registry stored its bytes,
 * the Docker token flow (scopes, caching, a mount's widened scope), Basic auth, and a redirect to
 * another host that must not receive the registry's credentials.
 */
class FaultAndAuthTest {

  private final FrontHandler front = new FrontHandler();

  @RegisterExtension final RegistryExtension server = RegistryExtension.of(() -> front);

  private URI base;
  private RegistryHost host;
  private Repository repo;
  private final List<RegistryClient> clients = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(URI uri) {
    base = uri;
    host = new RegistryHost(uri.getAuthority());
    repo = new Repository(host, RepositoryName.of("faults/app"));
  }

  @AfterEach
  void stop() throws IOException {
    for (RegistryClient c : clients) {
      c.close();
    }
  }

  private RegistryClient client(CredentialProvider credentials) {
    RegistryClient c =
        RegistryClient.builder()
            .credentials(credentials)
            .retryPolicy(
                new RetryPolicy(
                    4, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(20)))
            .chunkBytes(10_000)
            .monolithicMaxBytes(0)
            .build();
    clients.add(c);
    return c;
  }

  private static RegistryResponse status(int status, String... headers) {
    Headers.Builder h = Headers.builder();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    return RegistryResponse.of(
        status,
        h.build(),
        Bytes.utf8("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected\"}]}"));
  }

  @Test
  void retriesA503BurstAndA429WithRetryAfter() throws Exception {
    RegistryClient client = client(CredentialProvider.anonymous());
    client.ping(host);
    AtomicInteger failures = new AtomicInteger();
    front.interceptor =
        (request, registry) -> {
          if (request.path().contains("/tags/list")) {
            int n = failures.incrementAndGet();
            if (n <= 2) {
              return status(503);
            }
            if (n == 3) {
              return status(429, "Retry-After", "1");
            }
          }
          return registry.handle(request);
        };
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.listTags(repo))
        .isInstanceOfSatisfying(
            RegistryClientException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(failures.get()).isEqualTo(4);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void aListingPastItsBoundFailsWhileThePageIsRead() throws Exception {
    // Two pages of 600 one-letter tags each; the bound is 1000 entries.
    front.interceptor =
        (request, registry) -> {
          if (!request.path().contains("/tags/list")) {
            return registry.handle(request);
          }
          StringBuilder page = new StringBuilder("{\"name\":\"faults/app\",\"tags\":[");
          for (int i = 0; i < 600; i++) {
            page.append(i == 0 ? "" : ",").append("\"t\"");
          }
          page.append("]}");
          Headers.Builder h = Headers.builder().add("Content-Type", "application/json");
          if (request.queryParam("last").isEmpty()) {
            h.add("Link", "</v2/faults/app/tags/list?n=600&last=t>; rel=\"next\"");
          }
          return RegistryResponse.of(200, h.build(), Bytes.utf8(page.toString()));
        };
    RegistryClient client = RegistryClient.builder().listing(600, 10, 1000).build();
    clients.add(client);
    assertThatThrownBy(() -> client.listTags(repo))
        .isInstanceOf(IOException.class)
        .hasMessage("listing tags of " + repo + " has more than 1000 entries");
    RegistryClient roomy = RegistryClient.builder().listing(600, 10, 1200).build();
    clients.add(roomy);
    assertThat(roomy.listTags(repo)).hasSize(1200);
  }

  @Test
  void givesUpAfterTheAttemptsWithTheLastAnswer() throws Exception {
    RegistryClient client = client(CredentialProvider.anonymous());
    client.ping(host);
    front.interceptor = (request, registry) -> status(503);
    assertThatThrownBy(() -> client.getManifest(Reference.of(host, repo.name(), Tag.LATEST)))
        .isInstanceOfSatisfying(
            RegistryClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.code()).contains(ErrorCode.UNAVAILABLE);
            });
    assertThat(front.count("GET", "/manifests/")).isEqualTo(4);
  }

  @Test
  void aBrokenDownloadResumesWithARangeFromTheLastByte() throws Exception {
    RegistryClient client = client(CredentialProvider.anonymous());
    Bytes blob = TestContent.random(1_000_000, 11);
    Digest digest = Digest.sha256(blob);
    client.pushBlob(repo, digest, BlobSource.of(blob));
    List<String> ranges = new CopyOnWriteArrayList<>();
    front.interceptor =
        (request, registry) -> {
          if (request.method() == HttpMethod.GET && request.path().contains("/blobs/sha256:")) {
            ranges.add(request.headers().first("Range").orElse("none"));
            if (ranges.size() == 1) {
              // Half the body, then the connection breaks.
              return new RegistryResponse(
                  200, Headers.builder().build(), Optional.of(breaking(blob, 400_000)));
            }
          }
          return registry.handle(request);
        };
    try (InputStream in = client.openBlob(repo, digest, blob.size())) {
      assertThat(in.readAllBytes()).isEqualTo(blob.toByteArray());
    }
    assertThat(ranges).hasSize(2);
    assertThat(ranges.get(0)).isEqualTo("none");
    assertThat(ranges.get(1)).matches("bytes=\\d+-").isNotEqualTo("bytes=0-");
  }

  @Test
  void tamperedBlobFailsAtTheEndWithDigestInvalid() throws Exception {
    RegistryClient client = client(CredentialProvider.anonymous());
    Bytes blob = TestContent.random(50_000, 12);
    Digest digest = Digest.sha256(blob);
    client.pushBlob(repo, digest, BlobSource.of(blob));
    Bytes other = TestContent.random(50_000, 13);
    front.interceptor =
        (request, registry) ->
            request.method() == HttpMethod.GET && request.path().contains("/blobs/sha256:")
                ? RegistryResponse.of(200, Headers.builder().build(), other)
                : registry.handle(request);
    try (InputStream in = client.openBlob(repo, digest, blob.size())) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              InvalidContentException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
    }
  }

  @Test
  void end13_aPatchThatFailsAfterItsBytesArrivedIsNotResentButResumedFromTheRegistrysOffset()
      throws Exception {
    RegistryClient client = client(CredentialProvider.anonymous());
    Bytes blob = TestContent.random(45_000, 14);
    Digest digest = Digest.sha256(blob);
    AtomicInteger patches = new AtomicInteger();
    List<String> contentRanges = new CopyOnWriteArrayList<>();
    front.interceptor =
        (request, registry) -> {
          if (request.method() == HttpMethod.PATCH) {
            contentRanges.add(request.headers().first("Content-Range").orElse(""));
            RegistryResponse real = registry.handle(request);
            if (patches.incrementAndGet() == 2) {
              return status(500); // the registry kept the bytes, the answer is lost
            }
            return real;
          }
          return registry.handle(request);
        };
    client.pushBlob(repo, digest, BlobSource.of(blob));

    assertThat(contentRanges)
        .containsExactly("0-9999", "10000-19999", "20000-29999", "30000-39999", "40000-44999");
    assertThat(front.count("GET", "/blobs/uploads/")).isEqualTo(1);
    try (InputStream in = client.openBlob(repo, digest, blob.size())) {
      assertThat(in.readAllBytes()).isEqualTo(blob.toByteArray());
    }
  }

  @Test
  void aStreamedSourceGoesInOnePatchAndInChunksAfterA413() throws Exception {
    RegistryClient client = client(CredentialProvider.anonymous());
    Bytes blob = TestContent.random(45_000, 18);
    Digest digest = Digest.sha256(blob);
    BlobSource plain = BlobSource.of(blob);
    BlobSource streamed =
        new BlobSource() {
          @Override
          public long size() {
            return plain.size();
          }

          @Override
          public InputStream open(long offset) throws IOException {
            return plain.open(offset);
          }

          @Override
          public boolean streamed() {
            return true;
          }
        };
    List<String> contentRanges = new CopyOnWriteArrayList<>();
    front.interceptor =
        (request, registry) -> {
          if (request.method() == HttpMethod.PATCH) {
            contentRanges.add(request.headers().first("Content-Range").orElse(""));
          }
          return registry.handle(request);
        };
    client.pushBlob(repo, digest, streamed);
    assertThat(contentRanges).containsExactly("0-44999");

    // A registry that refuses so large a body: the upload continues in the client's chunks.
    Repository other = new Repository(repo.registry(), RepositoryName.of("faults/other"));
    contentRanges.clear();
    AtomicInteger patches = new AtomicInteger();
    front.interceptor =
        (request, registry) -> {
          if (request.method() == HttpMethod.PATCH) {
            contentRanges.add(request.headers().first("Content-Range").orElse(""));
            if (patches.incrementAndGet() == 1) {
              request.body().readAllBytes();
              return status(413);
            }
          }
          return registry.handle(request);
        };
    client.pushBlob(other, digest, streamed);
    assertThat(contentRanges)
        .containsExactly(
            "0-44999", "0-9999", "10000-19999", "20000-29999", "30000-39999", "40000-44999");
    try (InputStream in = client.openBlob(other, digest, blob.size())) {
      assertThat(in.readAllBytes()).isEqualTo(blob.toByteArray());
    }
  }

  @Test
  void anUnknownDigestIsStillRightAfterResumingFromAnEarlierOffset() throws Exception {
    RegistryClient client = client(CredentialProvider.anonymous());
    Bytes blob = TestContent.random(35_000, 17);
    AtomicInteger patches = new AtomicInteger();
    front.interceptor =
        (request, registry) -> {
          if (request.method() == HttpMethod.PATCH && patches.incrementAndGet() == 2) {
            request.body().readAllBytes(); // the bytes are lost: the registry never sees them
            return status(502);
          }
          return registry.handle(request);
        };
    // The digest was computed over bytes 0-19999 when the registry turns out to stand at 10000.
    Digest digest = client.pushBlob(repo, BlobSource.of(blob));

    assertThat(digest).isEqualTo(Digest.sha256(blob));
    assertThat(patches.get()).isEqualTo(5);
    assertThat(client.statBlob(repo, digest)).hasValue(blob.size());
  }

  @Test
  void tokenFlowScopesCachingAndAWidenedScopeForAMount() throws Exception {
    List<String> tokenQueries = new CopyOnWriteArrayList<>();
    AtomicInteger issued = new AtomicInteger();
    String basic =
        "Basic "
            + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
    front.interceptor =
        (request, registry) -> {
          if (request.path().equals("/token")) {
            if (!request.headers().first("Authorization").orElse("").equals(basic)) {
              return RegistryResponse.of(401, Headers.builder().build(), Bytes.utf8("{}"));
            }
            tokenQueries.add(request.rawQuery());
            return RegistryResponse.of(
                200,
                Headers.builder().add("Content-Type", "application/json").build(),
                Bytes.utf8(
                    "{\"access_token\":\"tok-"
                        + issued.incrementAndGet()
                        + "\",\"expires_in\":300}"));
          }
          if (!request.headers().first("Authorization").orElse("").startsWith("Bearer tok-")) {
            return RegistryResponse.of(
                401,
                Headers.builder()
                    .add(
                        "WWW-Authenticate",
                        "Bearer realm=\"" + base + "/token\",service=\"wharf-test\"")
                    .build(),
                Bytes.utf8(
                    "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token needed\"}]}"));
          }
          return registry.handle(request);
        };
    RegistryClient client = client(CredentialProvider.of(Credential.basic("alice", "s3cret")));
    Bytes blob = TestContent.random(1000, 15);
    Digest digest = Digest.sha256(blob);
    client.pushBlob(repo, digest, BlobSource.of(blob));
    client.statBlob(repo, digest);
    client.statBlob(repo, digest);
    Repository target = new Repository(host, RepositoryName.of("faults/target"));
    assertThat(client.mountBlob(target, repo, digest)).isTrue();

    assertThat(tokenQueries)
        .containsExactly(
            "service=wharf-test&scope=repository%3Afaults%2Fapp%3Apull%2Cpush&account=alice",
            "service=wharf-test&scope=repository%3Afaults%2Fapp%3Apull&account=alice",
            "service=wharf-test&scope=repository%3Afaults%2Fapp%3Apull"
                + "&scope=repository%3Afaults%2Ftarget%3Apull%2Cpush&account=alice");
    // No registry request ever carried the password.
    assertThat(front.seen)
        .filteredOn(s -> !s.path().equals("/token"))
        .allSatisfy(s -> assertThat(s.authorization()).doesNotContain("Basic"));
  }

  @Test
  void threadsStartingTogetherPingFetchTheCredentialAndTheTokenOnce() throws Exception {
    AtomicInteger pings = new AtomicInteger();
    AtomicInteger tokens = new AtomicInteger();
    AtomicInteger lookups = new AtomicInteger();
    front.interceptor =
        (request, registry) -> {
          if (request.path().equals("/token")) {
            tokens.incrementAndGet();
            pause(200); // a slow token server: the other threads arrive meanwhile
            return RegistryResponse.of(
                200,
                Headers.builder().add("Content-Type", "application/json").build(),
                Bytes.utf8("{\"token\":\"tok-1\",\"expires_in\":300}"));
          }
          if (request.path().equals("/v2/")) {
            pings.incrementAndGet();
            pause(200);
          }
          if (!request.headers().first("Authorization").orElse("").equals("Bearer tok-1")) {
            return status(
                401, "WWW-Authenticate", "Bearer realm=\"" + base + "/token\",service=\"t\"");
          }
          return registry.handle(request);
        };
    // A slow credential helper, as docker-credential-* processes are.
    CredentialProvider helper =
        registry -> {
          lookups.incrementAndGet();
          pause(200);
          return Credential.basic("alice", "s3cret");
        };
    RegistryClient client = client(helper);
    Digest digest = Digest.sha256(Bytes.utf8("nothing here"));
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<OptionalLong>> stats = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        stats.add(
            pool.submit(
                () -> {
                  go.await();
                  return client.statBlob(repo, digest);
                }));
      }
      go.countDown();
      for (Future<OptionalLong> f : stats) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(pings.get()).as("pings").isEqualTo(1);
    assertThat(lookups.get()).as("credential lookups").isEqualTo(1);
    assertThat(tokens.get()).as("token requests").isEqualTo(1);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aRefusedPasswordIsARegistryClientExceptionWithoutTheSecret() throws Exception {
    // The registry knows no password: every request is refused with a Basic challenge.
    front.interceptor =
        (request, registry) -> status(401, "WWW-Authenticate", "Basic realm=\"wharf\"");
    RegistryClient client =
        client(CredentialProvider.of(Credential.basic("bob", "wrong-password")));
    assertThatThrownBy(() -> client.listTags(repo))
        .isInstanceOfSatisfying(
            RegistryClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.code()).contains(ErrorCode.UNAVAILABLE);
              assertThat(e.getMessage()).doesNotContain("wrong-password");
            });
  }

  @Test
  void aBlobRedirectToAnotherHostCarriesNoCredentials() throws Exception {
    Bytes blob = TestContent.random(20_000, 16);
    Digest digest = Digest.sha256(blob);
    List<String> cdnAuthorization = new CopyOnWriteArrayList<>();
    HttpServer cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    cdn.createContext(
        "/",
        exchange -> {
          cdnAuthorization.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          exchange.sendResponseHeaders(200, blob.size());
          try (OutputStream out = exchange.getResponseBody()) {
            blob.writeTo(out);
          }
        });
    cdn.start();
    try {
      String cdnUrl =
          "http://localhost:" + cdn.getAddress().getPort() + "/bucket/blob?X-Signature=secret";
      front.interceptor = basicAuthRedirectingBlobGetsTo(cdnUrl);
      RegistryClient client = client(CredentialProvider.of(Credential.basic("carol", "pw")));
      client.pushBlob(repo, digest, BlobSource.of(blob));
      try (InputStream in = client.openBlob(repo, digest, blob.size())) {
        assertThat(in.readAllBytes()).isEqualTo(blob.toByteArray());
      }
      assertThat(cdnAuthorization).containsExactly("null");
      assertThat(front.seen)
          .filteredOn(s -> s.method().equals("GET") && s.path().contains("/blobs/sha256:"))
          .allSatisfy(s -> assertThat(s.authorization()).startsWith("Basic "));
    } finally {
      cdn.stop(0);
    }
  }

  /**
   * A redirect target that answers 401 with a Bearer challenge must not learn anything: following
   * its realm would hand the registry's password to whoever runs that host.
   */
  @Test
  void aChallengeFromARedirectTargetIsNotFollowed() throws Exception {
    Bytes blob = TestContent.random(5_000, 17);
    Digest digest = Digest.sha256(blob);
    List<String> stolen = new CopyOnWriteArrayList<>();
    HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    evil.createContext(
        "/token",
        exchange -> {
          stolen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    evil.createContext(
        "/bucket",
        exchange -> {
          String realm = "http://127.0.0.1:" + evil.getAddress().getPort() + "/token";
          exchange
              .getResponseHeaders()
              .add("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"evil\"");
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    evil.start();
    try {
      String cdnUrl = "http://127.0.0.1:" + evil.getAddress().getPort() + "/bucket/blob";
      front.interceptor = basicAuthRedirectingBlobGetsTo(cdnUrl);
      RegistryClient client =
          client(CredentialProvider.of(Credential.basic("dave", "dave-secret")));
      client.pushBlob(repo, digest, BlobSource.of(blob));
      assertThatThrownBy(
              () -> {
                try (InputStream in = client.openBlob(repo, digest, blob.size())) {
                  in.readAllBytes();
                }
              })
          .isInstanceOfSatisfying(
              RegistryClientException.class, e -> assertThat(e.status()).isEqualTo(401));
      assertThat(stolen).as("requests that reached the foreign realm").isEmpty();
      // The registry's own Basic auth still works afterwards: nothing was learned from the CDN.
      assertThat(client.statBlob(repo, digest)).hasValue(blob.size());
    } finally {
      evil.stop(0);
    }
  }

  /**
   * Refused upload answers (no Location) release their pooled connections: with two connections,
   * five refusals in a row and a request after them all finish instead of waiting for the pool.
   */
  @Test
  void refusedUploadAnswersReleaseTheirConnections() throws Exception {
    front.interceptor =
        (request, registry) ->
            request.method() == HttpMethod.POST && request.path().endsWith("/blobs/uploads/")
                ? RegistryResponse.of(202, Headers.builder().build())
                : registry.handle(request);
    Bytes blob = TestContent.random(1_000, 18);
    try (RegistryClient client =
        RegistryClient.builder()
            .connectionPool(2, 2)
            .retryPolicy(RetryPolicy.NONE)
            .monolithicMaxBytes(0)
            .build()) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> {
            for (int i = 0; i < 5; i++) {
              assertThatThrownBy(() -> client.pushBlob(repo, BlobSource.of(blob)))
                  .hasMessageContaining("without a Location");
            }
            assertThat(client.statBlob(repo, Digest.sha256(blob))).isEmpty();
          });
    }
  }

  /** The registry behind Basic auth, answering blob GETs with a 307 to {@code url}. */
  private static FrontHandler.Interceptor basicAuthRedirectingBlobGetsTo(String url) {
    return (request, registry) -> {
      if (request.headers().first("Authorization").isEmpty()) {
        return status(401, "WWW-Authenticate", "Basic realm=\"wharf\"");
      }
      if (request.method() == HttpMethod.GET && request.path().contains("/blobs/sha256:")) {
        return RegistryResponse.of(307, Headers.builder().add("Location", url).build());
      }
      return registry.handle(request);
    };
  }

  /** A body that writes {@code upTo} bytes of {@code blob} and then breaks the connection. */
  private static ResponseBody breaking(Bytes blob, int upTo) {
    return new ResponseBody() {
      @Override
      public long contentLength() {
        return blob.size();
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        out.write(blob.toByteArray(), 0, upTo);
        out.flush();
        throw new IOException("injected: connection broken");
      }
    };
  }
}
