package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.testing.Await;
import io.wharf.oci.policy.scanner.ScannerClient;
import io.wharf.oci.policy.scanner.ScannerMediaTypes;
import io.wharf.oci.policy.testing.TestScannerAdapter;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.server.jdk.JdkHttpTransport;
import io.wharf.oci.server.jdk.RegistryServer;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Scan on push end to end: the in-memory registry on the JDK transport, {@link ScanOnPush} as its
 * listener, and the test scanner adapter (which checks the OpenAPI file and pulls what it scans
 * from the registry with the authorization it was given). Images pushed over HTTP get their report
 * as a referrer, visible through the referrers API; referrers, reports and other artifacts are not
 * scanned; overflow is counted; failures are logged without credentials.
 */
class ScanOnPushTest {

  private static final String ADAPTER_AUTH = "Bearer adapter-s3cr3t-0123456789";
  private static final String PULL_AUTH = "Bearer pull-t0ken-abcdefghij";
  private static final RepositoryName REPO = new RepositoryName("team/app");
  private static final MediaType HARBOR = ReportFormat.HARBOR.mediaType();

  private final RegistryStorage storage = RegistryStorage.inMemory();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<RegistryEvent> registryEvents = new CopyOnWriteArrayList<>();
  private final List<RegistryEvent> told = new CopyOnWriteArrayList<>();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final AtomicReference<Registry> registry = new AtomicReference<>();
  private RegistryServer server;
  private TestScannerAdapter adapter;
  private ScanOnPush scans;

  private void start(
      TestScannerAdapter.Builder adapterConfig,
      ScannerClient.Sleeper sleeper,
      boolean listening,
      Consumer<ScanOnPush.Builder> config)
      throws IOException {
    server =
        JdkHttpTransport.of(request -> registry.get().handle(request))
            .start(new InetSocketAddress("127.0.0.1", 0));
    adapter = adapterConfig.authorization(ADAPTER_AUTH).pullFromRegistry().start();
    ScannerClient client =
        ScannerClient.builder(adapter.uri()).authorization(ADAPTER_AUTH).sleeper(sleeper).build();
    ScanOnPush.Builder b =
        ScanOnPush.builder(client, server.uri(), storage)
            .pullAuthorization(repo -> Optional.of(PULL_AUTH))
            .addListener(told::add);
    config.accept(b);
    scans = b.build();
    Registry.Builder r =
        Registry.builder(storage)
            .authenticator(
                (context, headers) -> {
                  Optional<String> a = headers.first("Authorization");
                  if (a.isEmpty()) {
                    return Authentication.anonymous();
                  }
                  return a.get().equals(PULL_AUTH)
                      ? Authentication.of(Identity.named("scanner"))
                      : Authentication.refused("unknown credentials", Optional.empty());
                })
            .addListener(registryEvents::add);
    if (listening) {
      r.addListener(scans);
    }
    registry.set(r.build());
  }

  private void start() throws IOException {
    start(
        TestScannerAdapter.builder().pendingPolls(2).retryHeader("Refresh-After", "2"),
        waits::add,
        true,
        b -> {});
  }

  @AfterEach
  void stop() {
    if (scans != null) {
      scans.close();
    }
    if (registry.get() != null) {
      registry.get().close();
    }
    if (server != null) {
      server.close();
    }
    if (adapter != null) {
      adapter.close();
      assertThat(adapter.violations()).isEmpty();
    }
  }

  // --- the end-to-end path -------------------------------------------------------------------

  @Test
  void aPushedImageGetsItsReportAsAReferrer_visibleThroughTheReferrersApi() throws Exception {
    start();
    RawManifest image = pushImage("seed-1", "1.0");

    Await.until("the report stored", () -> scans.stats().stored() == 1);

    JsonNode referrers = getJson("/v2/" + REPO + "/referrers/" + image.digest());
    assertThat(referrers.at("/manifests")).hasSize(1);
    JsonNode entry = referrers.at("/manifests/0");
    assertThat(entry.at("/artifactType").asText()).isEqualTo(HARBOR.value());
    assertThat(entry.at("/mediaType").asText()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST.value());
    JsonNode filtered =
        getJson(
            "/v2/"
                + REPO
                + "/referrers/"
                + image.digest()
                + "?artifactType="
                + URLEncoder.encode(HARBOR.value(), StandardCharsets.UTF_8));
    assertThat(filtered.at("/manifests")).hasSize(1);

    Bytes referrerBytes = get("/v2/" + REPO + "/manifests/" + entry.at("/digest").asText());
    ImageManifest referrer = (ImageManifest) ManifestCodec.defaults().read(referrerBytes).parse();
    assertThat(referrer.subject()).contains(image.descriptor());
    assertThat(referrer.artifactType()).contains(HARBOR);
    assertThat(referrer.annotations()).containsKey("org.opencontainers.image.created");
    Bytes report = get("/v2/" + REPO + "/blobs/" + referrer.layers().get(0).digest());
    assertThat(report).isEqualTo(TestScannerAdapter.defaultReport());

    // The adapter was asked as the API says, pulled the image with the token it was given, and
    // the client waited what the adapter asked between polls.
    JsonNode scan = adapter.scanRequests().get(0);
    assertThat(scan.at("/registry/url").asText()).isEqualTo(server.uri().toString());
    assertThat(scan.at("/registry/authorization").asText()).isEqualTo(PULL_AUTH);
    assertThat(scan.at("/artifact/repository").asText()).isEqualTo(REPO.value());
    assertThat(scan.at("/artifact/digest").asText()).isEqualTo(image.digest().toString());
    assertThat(scan.at("/artifact/tag").asText()).isEqualTo("1.0");
    assertThat(adapter.pulls()).containsExactly(200);
    Await.until(
        "the registry's event of the adapter's pull",
        () ->
            registryEvents.stream()
                .anyMatch(
                    e ->
                        e.kind() == RegistryEvent.Kind.MANIFEST_PULLED
                            && e.actor().name().equals(Optional.of("scanner"))));
    assertThat(waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));

    // Listeners hear of the stored report as a push of the referrer.
    assertThat(told)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(RegistryEvent.Kind.MANIFEST_PUSHED);
              assertThat(e.actor()).isEqualTo(ScanOnPush.ACTOR);
              assertThat(e.repository()).contains(REPO);
              assertThat(e.digest().map(Digest::toString)).contains(entry.at("/digest").asText());
            });
    assertThat(scans.stats()).isEqualTo(new ScanOnPush.Stats(1, 1, 0, 0, 0));
  }

  @Test
  void referrersReportsAndOtherArtifactsAreNotScanned() throws Exception {
    start();
    RawManifest image = pushImage("seed-1", "1.0");
    Await.until("the first report", () -> scans.stats().stored() == 1);

    // A referrer (an SBOM of the image), a report pushed without subject, a signature-like
    // manifest (image config, non-layer content), and the same image pushed again under a tag.
    Descriptor sbom = pushBlob(new MediaType("application/spdx+json"), Bytes.utf8("{\"spdx\":1}"));
    push(
        ImageManifest.artifact(new MediaType("application/spdx+json"), List.of(sbom))
            .withSubject(image.descriptor()),
        "sbom");
    Descriptor report = pushBlob(HARBOR, TestScannerAdapter.defaultReport());
    push(ImageManifest.artifact(HARBOR, List.of(report)), "report");
    Descriptor config = pushBlob(MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"sig\":1}"));
    Descriptor payload = pushBlob(MediaType.COSIGN_SIMPLE_SIGNING, Bytes.utf8("{\"critical\":{}}"));
    push(ImageManifest.of(config, List.of(payload)), "sha256-abc.sig");
    put(image, "latest");

    Await.until("four pushes judged", () -> scans.stats().skipped() == 4);
    assertThat(adapter.scanRequests()).hasSize(1);
    assertThat(scans.stats().stored()).isEqualTo(1);
    assertThat(told).hasSize(1);
  }

  @Test
  void anIndexHasEachOfItsImagesScannedOnce() throws Exception {
    start();
    RawManifest amd64 = pushImage("amd64", null);
    RawManifest arm64 = pushImage("arm64", null);
    RawManifest index =
        push(ImageIndex.of(List.of(amd64.descriptor(), arm64.descriptor())), "multi");

    Await.until("both reports", () -> scans.stats().stored() == 2);
    Await.until("the index judged", () -> scans.stats().skipped() >= 1);
    assertThat(referrerCount(amd64.digest())).isEqualTo(1);
    assertThat(referrerCount(arm64.digest())).isEqualTo(1);
    assertThat(referrerCount(index.digest())).isZero();
    assertThat(adapter.scanRequests())
        .extracting(s -> s.at("/artifact/digest").asText())
        .containsExactlyInAnyOrder(amd64.digest().toString(), arm64.digest().toString());
  }

  @Test
  void request_scansAnImageWithoutReport_onceWhileInFlight() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch waiting = new CountDownLatch(1);
    start(
        TestScannerAdapter.builder().pendingPolls(1),
        d -> {
          waiting.countDown();
          release.await(30, TimeUnit.SECONDS);
        },
        false,
        b -> {});
    RawManifest image = pushImage("seed-1", "1.0");

    assertThat(scans.request(REPO, image.digest())).isTrue();
    assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(scans.request(REPO, image.digest())).isFalse(); // in flight
    release.countDown();
    Await.until("the report", () -> scans.stats().stored() == 1);
    Await.until("the scan released", () -> scans.request(REPO, image.digest()));
    Await.until("the second request judged", () -> scans.stats().skipped() == 1);
    assertThat(adapter.scanRequests()).hasSize(1);
    assertThat(referrerCount(image.digest())).isEqualTo(1);
  }

  @Test
  void anAdapterThatMakesNoHarborReportIsAskedForNothing() throws Exception {
    start(
        TestScannerAdapter.builder().produces(List.of(ScannerMediaTypes.RAW_REPORT)),
        waits::add,
        true,
        b -> {});
    pushImage("seed-1", "1.0");

    Await.until("the image judged", () -> scans.stats().skipped() == 1);
    assertThat(adapter.scanRequests()).isEmpty();
    assertThat(adapter.exchanges("GET", "/metadata")).hasSize(1);
  }

  // --- bounds and failures -------------------------------------------------------------------

  @Test
  void queueOverflowIsCountedAndTheEventThreadNeverWaits() throws Exception {
    List<Runnable> parked = new ArrayList<>();
    ScanOnPush overflowing =
        ScanOnPush.builder(
                ScannerClient.builder(URI.create("http://127.0.0.1:9")).build(),
                URI.create("http://127.0.0.1:5000"),
                storage)
            .executor(parked::add)
            .queueCapacity(2)
            .build();
    List<Digest> digests = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Digest d = Digest.sha256(Bytes.utf8("image " + i));
      digests.add(d);
      overflowing.onEvent(pushed(d));
    }
    overflowing.onEvent(pushed(digests.get(0))); // the same image again: already queued

    assertThat(parked).hasSize(2);
    assertThat(overflowing.stats()).isEqualTo(new ScanOnPush.Stats(2, 0, 0, 0, 1));
    parked.forEach(Runnable::run); // the manifests are not in the store: nothing to scan
    assertThat(overflowing.stats()).isEqualTo(new ScanOnPush.Stats(2, 0, 2, 0, 1));
    assertThat(overflowing.request(REPO, digests.get(2))).isTrue(); // room again
    overflowing.close();
  }

  @Test
  void aFailedScanIsLoggedAndCounted_withoutAnyCredential() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      // The adapter refuses the scan with a message that echoes the pull authorization.
      start(TestScannerAdapter.builder().scanStatus(422), waits::add, true, b -> {});
      RawManifest image = pushImage("seed-1", "1.0");
      Await.until("the failure counted", () -> scans.stats().failed() == 1);
      Await.until(
          "the warning logged", () -> captured.toString(StandardCharsets.UTF_8).contains("422"));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains("WARN", "scan on push: scan of " + REPO + "@sha256:", "answered 422")
        .doesNotContain("pull-t0ken", "s3cr3t");
    assertThat(scans.stats().stored()).isZero();
  }

  // --- helpers -------------------------------------------------------------------------------

  private RegistryEvent pushed(Digest digest) {
    return new RegistryEvent(
        RegistryEvent.Kind.MANIFEST_PUSHED,
        Instant.EPOCH,
        "test",
        Optional.of(Endpoint.MANIFEST_PUT),
        Identity.ANONYMOUS,
        Optional.empty(),
        Optional.of(REPO),
        Optional.of(digest),
        Optional.of(MediaType.OCI_IMAGE_MANIFEST),
        Optional.empty(),
        java.util.Set.of(),
        Optional.empty(),
        Optional.empty(),
        201,
        List.of(),
        List.of());
  }

  private RawManifest pushImage(String seed, String tag) throws Exception {
    Descriptor config =
        pushBlob(
            MediaType.OCI_IMAGE_CONFIG,
            Bytes.utf8("{\"architecture\":\"" + seed + "\",\"os\":\"linux\"}"));
    Descriptor layer = pushBlob(MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("layer of " + seed));
    return push(ImageManifest.of(config, List.of(layer)), tag);
  }

  private Descriptor pushBlob(MediaType type, Bytes content) throws Exception {
    Descriptor d = Descriptor.of(type, content);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        server.uri() + "/v2/" + REPO + "/blobs/uploads/?digest=" + d.digest()))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return d;
  }

  private RawManifest push(Manifest manifest, String tag) throws Exception {
    RawManifest raw = ManifestCodec.defaults().encode(manifest);
    put(raw, tag == null ? raw.digest().toString() : tag);
    return raw;
  }

  private void put(RawManifest raw, String reference) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(server.uri() + "/v2/" + REPO + "/manifests/" + reference))
                .header("Content-Type", raw.mediaType().value())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(raw.bytes().toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  private Bytes get(String path) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.uri() + path))
                .header(
                    "Accept",
                    MediaType.OCI_IMAGE_MANIFEST.value() + ", " + MediaType.OCI_IMAGE_INDEX.value())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return Bytes.of(r.body());
  }

  private JsonNode getJson(String path) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(get(path).toByteArray());
  }

  private int referrerCount(Digest subject) throws Exception {
    return getJson("/v2/" + REPO + "/referrers/" + subject).at("/manifests").size();
  }
}
