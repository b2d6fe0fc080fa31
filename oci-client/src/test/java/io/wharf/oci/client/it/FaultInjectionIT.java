package io.wharf.oci.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.client.RetryPolicy;
import io.wharf.oci.client.TestContent;
import io.wharf.oci.client.Transfer;
import io.wharf.oci.client.TransferListener;
import io.wharf.oci.client.testsupport.CannedResponse;
import io.wharf.oci.client.testsupport.DockerRegistryProcess;
import io.wharf.oci.client.testsupport.Fault;
import io.wharf.oci.client.testsupport.FaultProxy;
import io.wharf.oci.client.testsupport.RequestHead;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client through a {@link FaultProxy} (real TCP) in front of {@code docker-registry}: a 100 MiB
 * download and a 100 MiB chunked upload broken in the middle, upload sessions the registry forgets,
 * 429 with {@code Retry-After}, bursts of 503, more 503s than the retry policy allows, and a
 * download that stalls for good (only the read timeout ends it). The test JVM has a 128 MiB heap,
 * so a client that buffered a blob would fail here.
 */
@Timeout(120)
class FaultInjectionIT {

  private static final long BIG = 100L * 1024 * 1024;

  @TempDir static Path temp;

  private static DockerRegistryProcess registry;
  private static Path bigFile;
  private static Digest bigDigest;
  private static RawManifest small;
  private static final RepositoryName BIG_REPO = RepositoryName.of("faults/big");
  private static final RepositoryName SMALL_REPO = RepositoryName.of("faults/small");

  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    DockerRegistryProcess.requireAvailable();
    assertThat(Runtime.getRuntime().maxMemory())
        .as("the pom's argLine gives the tests a small heap")
        .isLessThan(160L * 1024 * 1024);
    registry = DockerRegistryProcess.start();
    bigFile = temp.resolve("big.bin");
    bigDigest = writeRandom(bigFile, BIG, 42);
    RegistryHost direct = new RegistryHost(registry.host());
    try (RegistryClient client = RegistryClient.builder().build()) {
      client.pushBlob(new Repository(direct, BIG_REPO), bigDigest, BlobSource.of(bigFile));
      Bytes config = Bytes.utf8("{\"small\":true}");
      Bytes layer = TestContent.random(3 * 1024 * 1024, 7);
      Repository repo = new Repository(direct, SMALL_REPO);
      client.pushBlob(repo, Digest.sha256(config), BlobSource.of(config));
      client.pushBlob(repo, Digest.sha256(layer), BlobSource.of(layer));
      small = TestContent.image(config, layer);
      client.putManifest(Reference.of(direct, SMALL_REPO, Tag.of("v1")), small);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /** {@code size} pseudo-random bytes into {@code file}, 1 MiB at a time; their sha256. */
  private static Digest writeRandom(Path file, long size, long seed) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(seed);
    byte[] buffer = new byte[1024 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buffer.length) {
        random.nextBytes(buffer);
        int n = (int) Math.min(buffer.length, left);
        out.write(buffer, 0, n);
        sha.update(buffer, 0, n);
      }
    }
    return Digest.parse("sha256:" + HexFormat.of().formatHex(sha.digest()));
  }

  private FaultProxy proxy() throws IOException {
    FaultProxy p = FaultProxy.start(registry.host());
    closing.add(p);
    return p;
  }

  private RegistryClient client(UnaryOperator<RegistryClient.Builder> settings) {
    RegistryClient c =
        settings
            .apply(
                RegistryClient.builder()
                    .retryPolicy(
                        new RetryPolicy(
                            4,
                            Duration.ofMillis(10),
                            Duration.ofMillis(50),
                            Duration.ofSeconds(30))))
            .build();
    closing.add(c);
    return c;
  }

  private static Repository repo(FaultProxy proxy, RepositoryName name) {
    return new Repository(new RegistryHost(proxy.host()), name);
  }

  private static List<RequestHead> requests(FaultProxy proxy, String method, String pathRegex) {
    return proxy.requests().stream().filter(r -> r.is(method, pathRegex)).toList();
  }

  /** Records what a {@link TransferListener} hears. */
  static final class Recorder implements TransferListener {
    final List<Long> progress = new CopyOnWriteArrayList<>();
    final List<Long> resumed = new CopyOnWriteArrayList<>();
    final AtomicInteger finished = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    @Override
    public void progressed(Transfer transfer, long bytesDone) {
      progress.add(bytesDone);
    }

    @Override
    public void resumed(Transfer transfer, long offset) {
      resumed.add(offset);
    }

    @Override
    public void finished(Transfer transfer) {
      finished.incrementAndGet();
    }

    @Override
    public void failed(Transfer transfer, Exception cause) {
      failed.incrementAndGet();
    }

    void assertMonotonicTo(long size) {
      for (int i = 1; i < progress.size(); i++) {
        assertThat(progress.get(i))
            .as("progress report %d after %d", i, progress.get(i - 1))
            .isGreaterThanOrEqualTo(progress.get(i - 1));
      }
      assertThat(progress).last().isEqualTo(size);
      assertThat(finished.get()).isEqualTo(1);
      assertThat(failed.get()).isZero();
    }
  }

  @Test
  void aDownloadCutInTheMiddleResumesWithRange() throws Exception {
    FaultProxy proxy = proxy();
    FaultProxy.Injection cut =
        proxy.inject(Fault.cutResponseAfter(40L * 1024 * 1024), 1, RequestHead::isBlobRead);
    Recorder progress = new Recorder();
    RegistryClient client = client(b -> b.transferListener(progress));

    try (InputStream in = client.openBlob(repo(proxy, BIG_REPO), bigDigest, BIG)) {
      assertThat(Digest.sha256(in)).isEqualTo(bigDigest);
    }

    assertThat(cut.triggered()).isEqualTo(1);
    List<RequestHead> gets = requests(proxy, "GET", ".*/blobs/sha256:.*");
    assertThat(gets).hasSize(2);
    assertThat(gets.get(0).header("Range")).isEmpty();
    String range = gets.get(1).header("Range").orElseThrow();
    assertThat(range).matches("bytes=\\d+-");
    long from = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
    assertThat(from).isBetween(30L * 1024 * 1024, 40L * 1024 * 1024);
    assertThat(progress.resumed).containsExactly(from);
    progress.assertMonotonicTo(BIG);
  }

  /**
   * The connection drops as the second 32 MiB PATCH starts (its head not even complete, so the
   * registry never saw it): the client asks where the upload stands (end-13) and goes on from the
   * registry's offset in the same session.
   */
  @Test
  void aChunkedUploadCutBetweenChunksResumesFromTheRegistrysOffset() throws Exception {
    Recorder progress = new Recorder();
    List<RequestHead> uploads = pushBigCuttingThe2ndPatchAfter(100, "faults/resumed", progress);

    assertThat(uploads.stream().filter(r -> r.method().equals("POST"))).hasSize(1);
    int cutAt = indexOfNth(uploads, "PATCH", 2);
    assertThat(uploads.get(cutAt + 1).method()).as("upload status").isEqualTo("GET");
    RequestHead resumed = uploads.get(cutAt + 2);
    assertThat(resumed.method()).isEqualTo("PATCH");
    assertThat(resumed.header("Content-Range")).contains("33554432-67108863");
    assertThat(progress.resumed).containsExactly(32L * 1024 * 1024);
    assertThat(uploads).last().satisfies(r -> assertThat(r.method()).isEqualTo("PUT"));
    progress.assertMonotonicTo(BIG);
  }

  /**
   * Pushes the 100 MiB blob in 32 MiB chunks through a proxy that cuts the second PATCH after
   * {@code cutAfter} bytes; checks the blob is there, all of it (distribution checked its digest
   * when the upload was closed), and returns the upload requests the proxy saw.
   */
  private List<RequestHead> pushBigCuttingThe2ndPatchAfter(
      long cutAfter, String repository, Recorder progress) throws Exception {
    FaultProxy proxy = proxy();
    AtomicInteger patches = new AtomicInteger();
    FaultProxy.Injection cut =
        proxy.inject(
            Fault.cutRequestAfter(cutAfter),
            1,
            h -> h.method().equals("PATCH") && patches.incrementAndGet() == 2);
    RegistryClient client = client(b -> b.transferListener(progress).chunkBytes(32L * 1024 * 1024));
    Repository target = repo(proxy, RepositoryName.of(repository));

    client.pushBlob(target, bigDigest, BlobSource.of(bigFile));

    assertThat(cut.triggered()).isEqualTo(1);
    assertThat(client.statBlob(target, bigDigest)).hasValue(BIG);
    return proxy.requests().stream().filter(RequestHead::isBlobUpload).toList();
  }

  /**
   * The connection drops 8 MiB into the second 32 MiB PATCH. Distribution 2.8 has then stored bytes
   * its session state ({@code _state} in the Location) does not account for, so it answers the
   * status request with 404 BLOB_UPLOAD_INVALID and cancels the session: the client starts over in
   * a new session, and the blob is right.
   */
  @Test
  void aChunkedUploadCutInTheMiddleOfAChunkStartsOverWhereDistributionDropsTheSession()
      throws Exception {
    Recorder progress = new Recorder();
    List<RequestHead> uploads =
        pushBigCuttingThe2ndPatchAfter(8L * 1024 * 1024, "faults/restarted", progress);

    int cutAt = indexOfNth(uploads, "PATCH", 2);
    assertThat(uploads.get(cutAt + 1).method()).as("upload status").isEqualTo("GET");
    assertThat(uploads.get(cutAt + 2).method()).as("a new session").isEqualTo("POST");
    assertThat(uploads.get(cutAt + 3).header("Content-Range")).contains("0-33554431");
    assertThat(uploads.stream().filter(r -> r.method().equals("POST"))).hasSize(2);
    assertThat(progress.resumed).containsExactly(0L);
    progress.assertMonotonicTo(BIG);
  }

  private static int indexOfNth(List<RequestHead> requests, String method, int n) {
    int seen = 0;
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i).method().equals(method) && ++seen == n) {
        return i;
      }
    }
    throw new AssertionError("no " + method + " number " + n + " in " + requests);
  }

  /**
   * The registry forgets the upload session (cancelled behind the client's back, as an expiry
   * would): PATCH, or the closing PUT of a monolithic upload, answers 404 BLOB_UPLOAD_UNKNOWN, and
   * the client starts over in a new session.
   */
  @Test
  void anUploadSessionTheRegistryForgotStartsOverInANewSession() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String method : List.of("PATCH", "PUT")) {
      FaultProxy proxy = proxy();
      AtomicInteger seen = new AtomicInteger();
      List<Integer> cancelled = new CopyOnWriteArrayList<>();
      proxy.intercept(
          h -> h.method().equals(method) && h.isBlobUpload() && seen.incrementAndGet() == 2,
          h -> {
            cancelled.add(cancel(http, h));
            return Optional.empty(); // the request goes on to a registry that forgot it
          });
      Bytes blob = TestContent.random(3 * 1024 * 1024 + 5, method.length());
      Digest digest = Digest.sha256(blob);
      Recorder progress = new Recorder();
      RegistryClient client =
          client(
              b ->
                  b.transferListener(progress)
                      .chunkBytes(1024 * 1024)
                      .monolithicMaxBytes(method.equals("PUT") ? 64 * 1024 * 1024 : 0));
      Repository target =
          repo(proxy, RepositoryName.of("faults/forgotten-" + method.toLowerCase()));
      if (method.equals("PUT")) {
        // a first blob, so the second PUT is the one the registry forgets
        Bytes first = Bytes.utf8("first");
        client(b -> b).pushBlob(target, Digest.sha256(first), BlobSource.of(first));
      }

      client.pushBlob(target, digest, BlobSource.of(blob));

      assertThat(cancelled).as(method).containsExactly(204);
      long posts = requests(proxy, "POST", ".*/blobs/uploads/").size();
      assertThat(posts).as(method).isEqualTo(method.equals("PUT") ? 3 : 2);
      assertThat(progress.resumed).as(method).containsExactly(0L);
      progress.assertMonotonicTo(blob.size());
      try (InputStream in = client.openBlob(target, digest, blob.size())) {
        assertThat(in.readAllBytes()).isEqualTo(blob.toByteArray());
      }
    }
  }

  /** Cancels the upload {@code h} is about, directly at the registry; the status it answered. */
  private static int cancel(HttpClient http, RequestHead h) throws IOException {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(registry.baseUri() + h.target())).DELETE().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Test
  void tooManyRequestsWaitsWhatRetryAfterSays() throws Exception {
    FaultProxy proxy = proxy();
    FaultProxy.Injection limited =
        proxy.inject(
            Fault.respond(CannedResponse.tooManyRequests(Duration.ofSeconds(1))),
            2,
            h -> h.is("GET", ".*/manifests/.*"));
    RegistryClient client = client(b -> b);
    Reference v1 = Reference.of(new RegistryHost(proxy.host()), SMALL_REPO, Tag.of("v1"));
    client.ping(v1.registry());

    assertThat(client.getManifest(v1)).isEqualTo(small);

    assertThat(limited.triggered()).isEqualTo(2);
    List<Duration> gaps = gapsBetween(proxy, "GET", ".*/manifests/.*");
    assertThat(gaps).hasSize(2);
    // Each attempt after a 429 arrived at least the 1 s Retry-After later (the policy alone would
    // have waited at most 50 ms). Only a lower bound: a loaded machine can only make gaps longer.
    assertThat(gaps).allSatisfy(g -> assertThat(g).isGreaterThanOrEqualTo(Duration.ofMillis(990)));
  }

  /** The time between consecutive arrivals at the proxy of the requests that match. */
  private static List<Duration> gapsBetween(FaultProxy proxy, String method, String pathRegex) {
    List<RequestHead> all = proxy.requests();
    List<Long> at = proxy.arrivalNanos();
    List<Long> matching = new java.util.ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).is(method, pathRegex)) {
        matching.add(at.get(i));
      }
    }
    List<Duration> gaps = new java.util.ArrayList<>();
    for (int i = 1; i < matching.size(); i++) {
      gaps.add(Duration.ofNanos(matching.get(i) - matching.get(i - 1)));
    }
    return gaps;
  }

  @Test
  void aBurstOf503IsRetriedThenSucceeds() throws Exception {
    FaultProxy proxy = proxy();
    FaultProxy.Injection manifest503 =
        proxy.inject(
            Fault.respond(CannedResponse.serviceUnavailable()),
            3,
            h -> h.is("GET", ".*/manifests/.*"));
    FaultProxy.Injection post503 =
        proxy.inject(
            Fault.respond(CannedResponse.serviceUnavailable()),
            2,
            h -> h.is("POST", ".*/blobs/uploads/"));
    RegistryClient client = client(b -> b);
    Reference v1 = Reference.of(new RegistryHost(proxy.host()), SMALL_REPO, Tag.of("v1"));

    assertThat(client.getManifest(v1)).isEqualTo(small);
    assertThat(manifest503.triggered()).isEqualTo(3);
    assertThat(requests(proxy, "GET", ".*/manifests/.*")).hasSize(4);

    Bytes blob = Bytes.utf8("pushed through a 503 burst");
    Repository target = repo(proxy, RepositoryName.of("faults/burst"));
    client.pushBlob(target, Digest.sha256(blob), BlobSource.of(blob));
    assertThat(post503.triggered()).isEqualTo(2);
    assertThat(requests(proxy, "POST", ".*/blobs/uploads/")).hasSize(3);
    assertThat(client.statBlob(target, Digest.sha256(blob))).hasValue(blob.size());
  }

  @Test
  void moreFailuresThanThePolicyAllowsEndInATypedFailure() throws Exception {
    FaultProxy proxy = proxy();
    proxy.inject(
        Fault.respond(CannedResponse.serviceUnavailable()),
        10_000,
        h -> h.is("GET", ".*/manifests/.*"));
    Reference v1 = Reference.of(new RegistryHost(proxy.host()), SMALL_REPO, Tag.of("v1"));

    // bounded in count: 4 attempts
    RegistryClient counted = client(b -> b);
    assertThatThrownBy(() -> counted.getManifest(v1))
        .isInstanceOfSatisfying(
            RegistryClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.code()).contains(ErrorCode.UNAVAILABLE);
            });
    assertThat(requests(proxy, "GET", ".*/manifests/.*")).hasSize(4);

    // bounded in time: 1000 attempts allowed, but only 1 s
    int before = requests(proxy, "GET", ".*/manifests/.*").size();
    RegistryClient timed =
        client(
            b ->
                b.retryPolicy(
                    new RetryPolicy(
                        1000,
                        Duration.ofMillis(100),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(1))));
    long start = System.nanoTime();
    assertThatThrownBy(() -> timed.getManifest(v1))
        .isInstanceOfSatisfying(
            RegistryClientException.class, e -> assertThat(e.status()).isEqualTo(503));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    int attempts = requests(proxy, "GET", ".*/manifests/.*").size() - before;
    // Each wait is at least 50 ms (the upper half of 100 ms) and all of them fit in the 1 s: at
    // most 1 + 1000 / 50 attempts, however fast the machine; the time stopped it, not the count.
    // A loaded machine makes fewer attempts, never more, and takes longer, never shorter: the
    // client gives up only once the next wait would pass the 1 s, so after at least 900 ms.
    assertThat(attempts).isBetween(2, 21);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  /**
   * How long the stall tests' client waits for a byte. It detects a stall that lasts for good (the
   * proxy never sends the rest), so it need not be short; and the healthy requests around the
   * stalls have it too, so it must be long enough for a loaded machine.
   */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  /** The response bytes (head and body) each stalled blob GET delivers before it stalls. */
  private static final long STALL_AFTER = 64 * 1024;

  /**
   * Every blob GET stalls for good after its first 64 KiB (the connection open, no byte more), with
   * a read timeout: a SocketTimeoutException after the bounded resumes (one attempt allowed: 2
   * resumes), each resume from the byte the previous one reached, never a hang.
   */
  @Test
  void aDownloadThatStallsFailsTypedAfterTheBoundedResumes() throws Exception {
    FaultProxy proxy = proxy();
    Recorder progress = new Recorder();
    RegistryClient client =
        client(
            b ->
                b.readTimeout(READ_TIMEOUT)
                    .transferListener(progress)
                    .retryPolicy(
                        new RetryPolicy(
                            1,
                            Duration.ofMillis(10),
                            Duration.ofMillis(10),
                            Duration.ofSeconds(10))));
    Repository repo = repo(proxy, SMALL_REPO);
    Descriptor layer = small.parse().references().get(1);
    FaultProxy.Injection stall =
        proxy.inject(Fault.stallResponseAfter(STALL_AFTER), 100, RequestHead::isBlobRead);

    assertThatThrownBy(
            () -> {
              try (InputStream in = client.openBlob(repo, layer.digest(), layer.size())) {
                in.transferTo(OutputStream.nullOutputStream());
              }
            })
        .isInstanceOf(SocketTimeoutException.class);

    List<RequestHead> gets = requests(proxy, "GET", ".*/blobs/sha256:.*");
    assertThat(gets).hasSize(3);
    assertThat(stall.triggered()).isEqualTo(3);
    assertThat(gets.get(0).header("Range")).isEmpty();
    assertThat(progress.resumed).hasSize(2);
    for (int i = 1; i < gets.size(); i++) {
      assertThat(gets.get(i).header("Range"))
          .contains("bytes=" + progress.resumed.get(i - 1) + "-");
    }
    // Each resume went further: every stalled GET delivered body bytes before its stall.
    assertThat(progress.resumed.get(0)).isPositive().isLessThan(STALL_AFTER);
    assertThat(progress.resumed.get(1)).isGreaterThan(progress.resumed.get(0));
    assertThat(progress.failed.get()).isEqualTo(1);
  }

  /**
   * As above, but only the first GET stalls: the download resumes with a Range from the byte it
   * reached and the blob arrives verified, in exactly two GETs.
   */
  @Test
  void aDownloadThatStalledResumesWhereItStopped() throws Exception {
    FaultProxy proxy = proxy();
    Recorder progress = new Recorder();
    RegistryClient client =
        client(
            b ->
                b.readTimeout(READ_TIMEOUT)
                    .transferListener(progress)
                    .retryPolicy(
                        new RetryPolicy(
                            2,
                            Duration.ofMillis(10),
                            Duration.ofMillis(10),
                            Duration.ofSeconds(10))));
    Repository repo = repo(proxy, SMALL_REPO);
    Descriptor layer = small.parse().references().get(1);
    FaultProxy.Injection stall =
        proxy.inject(Fault.stallResponseAfter(STALL_AFTER), 1, RequestHead::isBlobRead);

    try (InputStream in = client.openBlob(repo, layer.digest(), layer.size())) {
      assertThat(Digest.sha256(in)).isEqualTo(layer.digest());
    }

    assertThat(stall.triggered()).isEqualTo(1);
    List<RequestHead> gets = requests(proxy, "GET", ".*/blobs/sha256:.*");
    assertThat(gets).hasSize(2);
    assertThat(progress.resumed).hasSize(1);
    long from = progress.resumed.get(0);
    assertThat(from).isPositive().isLessThan(STALL_AFTER);
    assertThat(gets.get(1).header("Range")).contains("bytes=" + from + "-");
    progress.assertMonotonicTo(layer.size());
  }
}
