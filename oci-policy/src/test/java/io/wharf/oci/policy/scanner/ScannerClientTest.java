package io.wharf.oci.policy.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.policy.testing.TestScannerAdapter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ScannerClient} against {@link TestScannerAdapter}, which checks every request and answer
 * against the Pluggable Scanner API's OpenAPI file of its version: every endpoint in both versions,
 * version negotiation, report polling with {@code Refresh-After}/{@code Retry-After} (the waits
 * asked of an injected sleeper), each error status, the bounds, and that no authorization value
 * reaches a message.
 */
class ScannerClientTest {

  static final String ADAPTER_AUTH = "Bearer adapter-s3cr3t-0123456789";
  static final String REGISTRY_AUTH = "Bearer registry-t0ken-abcdefghij";
  static final Digest DIGEST =
      Digest.parse("sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b");
  static final RepositoryName REPO = new RepositoryName("library/mongo");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<Duration> waits = new ArrayList<>();
  private final List<String> messages = new ArrayList<>();
  private TestScannerAdapter adapter;
  private boolean violationsExpected;

  @AfterEach
  void adapterSawOnlyWhatTheApiAllowsAndNoSecretLeaked() {
    if (adapter != null) {
      adapter.close();
      if (!violationsExpected) {
        assertThat(adapter.violations()).isEmpty();
      }
    }
    for (String m : messages) {
      assertThat(m).doesNotContain("s3cr3t", "t0ken", "adapter-", "registry-t");
    }
  }

  private TestScannerAdapter start(TestScannerAdapter.Builder b) {
    adapter = b.authorization(ADAPTER_AUTH).start();
    return adapter;
  }

  private ScannerClient.Builder client() {
    return ScannerClient.builder(adapter.uri())
        .authorization(ADAPTER_AUTH)
        .clock(clock)
        .sleeper(
            d -> {
              waits.add(d);
              clock.advance(d);
            });
  }

  private static ScanRequest request(URI registry) {
    return ScanRequest.of(registry, REPO, DIGEST, MediaType.OCI_IMAGE_MANIFEST)
        .withRegistryAuthorization(REGISTRY_AUTH)
        .withTag(new Tag("3.14-xenial"));
  }

  private Throwable failure(ThrowingCall call) {
    Throwable t = catchThrowable(call::run);
    assertThat(t).isNotNull();
    messages.add(String.valueOf(t.getMessage()));
    messages.add(t.toString());
    return t;
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }

  // --- metadata and version negotiation --------------------------------------------------------

  @Test
  void metadata_v12AdapterIsSpokenTo_inApi12() throws IOException {
    start(TestScannerAdapter.builder().version(ApiVersion.V1_2));
    ScannerMetadata m = client().build().metadata();

    assertThat(m.name()).isEqualTo("Wharf test scanner");
    assertThat(m.vendor()).isEqualTo("Wharf");
    assertThat(m.version()).isEqualTo("1.0");
    assertThat(m.apiVersion()).isEqualTo(ApiVersion.V1_2);
    assertThat(m.capabilities())
        .extracting(ScannerCapability::type)
        .containsExactly("vulnerability", "sbom");
    assertThat(m.capabilities().get(1).sbomMediaTypes())
        .containsExactly("application/spdx+json", "application/vnd.cyclonedx+json");
    assertThat(m.properties())
        .containsEntry("harbor.scanner-adapter/scanner-type", "os-package-vulnerability");
    assertThat(m.consumes(ScannerCapability.VULNERABILITY, MediaType.DOCKER_MANIFEST_V2)).isTrue();
    assertThat(m.consumes(ScannerCapability.VULNERABILITY, MediaType.OCI_IMAGE_INDEX)).isFalse();
    assertThat(m.vulnerabilityReportType(MediaType.OCI_IMAGE_MANIFEST))
        .contains(ScannerMediaTypes.VULNERABILITY_REPORT_V1_1);
    TestScannerAdapter.Exchange get = adapter.exchanges("GET", "/metadata").get(0);
    assertThat(get.header("Accept").orElseThrow())
        .contains(ScannerMediaTypes.METADATA_V1_1.value(), ScannerMediaTypes.METADATA_V1_0.value());
    assertThat(get.header("Authorization")).contains(ADAPTER_AUTH);
  }

  @Test
  void metadata_v11AdapterIsSpokenTo_inApi11_withUntypedCapabilities() throws IOException {
    start(TestScannerAdapter.builder().version(ApiVersion.V1_1));
    ScannerClient client = client().build();
    ScannerMetadata m = client.metadata();

    assertThat(m.apiVersion()).isEqualTo(ApiVersion.V1_1);
    assertThat(client.apiVersion()).isEqualTo(ApiVersion.V1_1);
    assertThat(m.capabilities())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.type()).isEqualTo(ScannerCapability.VULNERABILITY);
              assertThat(c.produces(ScannerMediaTypes.HARBOR_REPORT_V1_0)).isTrue();
            });
  }

  @Test
  void metadata_aConfiguredVersionIsTheOnlyOneAccepted() throws IOException {
    start(TestScannerAdapter.builder().version(ApiVersion.V1_1));
    ScannerMetadata m = client().apiVersion(ApiVersion.V1_1).build().metadata();

    assertThat(m.apiVersion()).isEqualTo(ApiVersion.V1_1);
    assertThat(adapter.exchanges("GET", "/metadata").get(0).header("Accept"))
        .contains(ScannerMediaTypes.METADATA_V1_0.value());
  }

  // --- scan ----------------------------------------------------------------------------------

  @Test
  void scan_inApi12_sendsTheArtifactAndEnablesTheVulnerabilityCapability() throws IOException {
    start(TestScannerAdapter.builder().version(ApiVersion.V1_2));
    ScannerClient client = client().build();
    ScanRequestId id =
        client.scan(
            request(URI.create("https://registry.example"))
                .withReportTypes(List.of(ScannerMediaTypes.VULNERABILITY_REPORT_V1_1)));

    assertThat(id.value()).isNotEmpty();
    TestScannerAdapter.Exchange post = adapter.exchanges("POST", "/scan").get(0);
    assertThat(post.header("Content-Type")).contains(ScannerMediaTypes.SCAN_REQUEST_V1_1.value());
    JsonNode body = adapter.scanRequests().get(0);
    assertThat(body.at("/registry/url").asText()).isEqualTo("https://registry.example");
    assertThat(body.at("/registry/authorization").asText()).isEqualTo(REGISTRY_AUTH);
    assertThat(body.at("/artifact/repository").asText()).isEqualTo("library/mongo");
    assertThat(body.at("/artifact/digest").asText()).isEqualTo(DIGEST.toString());
    assertThat(body.at("/artifact/tag").asText()).isEqualTo("3.14-xenial");
    assertThat(body.at("/artifact/mime_type").asText())
        .isEqualTo(MediaType.OCI_IMAGE_MANIFEST.value());
    assertThat(body.at("/enabled_capabilities/0/type").asText()).isEqualTo("vulnerability");
    assertThat(body.at("/enabled_capabilities/0/produces_mime_types/0").asText())
        .isEqualTo(ScannerMediaTypes.VULNERABILITY_REPORT_V1_1.value());
    // The version was negotiated once, before the first scan.
    assertThat(adapter.exchanges("GET", "/metadata")).hasSize(1);
    client.scan(request(URI.create("https://registry.example")));
    assertThat(adapter.exchanges("GET", "/metadata")).hasSize(1);
  }

  @Test
  void scan_inApi11_sendsTheVersion10RequestWithoutCapabilities() throws IOException {
    start(TestScannerAdapter.builder().version(ApiVersion.V1_1));
    client().build().scan(request(URI.create("http://127.0.0.1:5000")));

    TestScannerAdapter.Exchange post = adapter.exchanges("POST", "/scan").get(0);
    assertThat(post.header("Content-Type")).contains(ScannerMediaTypes.SCAN_REQUEST_V1_0.value());
    assertThat(post.header("Accept")).contains(ScannerMediaTypes.SCAN_RESPONSE_V1_0.value());
    assertThat(adapter.scanRequests().get(0).has("enabled_capabilities")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"400", "422"})
  void scan_invalidRequestAnswersAreRejections_withoutTheRegistrysCredentials(int status) {
    start(TestScannerAdapter.builder().scanStatus(status));
    Throwable t = failure(() -> client().build().scan(request(URI.create("http://r.example"))));

    assertThat(t).isInstanceOf(ScanRejectedException.class);
    assertThat(((ScannerException) t).status()).hasValue(status);
    assertThat(t.getMessage())
        .contains("POST /api/v1/scan answered " + status, "cannot scan with authorization ***")
        .doesNotContain("registry-t0ken");
  }

  @ParameterizedTest
  @CsvSource({
    "500, ScannerUnavailableException",
    "503, ScannerUnavailableException",
    "501, ScannerUnsupportedException",
    "401, ScannerAuthenticationException",
    "409, ScannerProtocolException"
  })
  void scan_otherAnswersAreTyped(int status, String type) {
    start(TestScannerAdapter.builder().scanStatus(status));
    Throwable t = failure(() -> client().build().scan(request(URI.create("http://r.example"))));

    assertThat(t.getClass().getSimpleName()).isEqualTo(type);
    assertThat(((ScannerException) t).status()).hasValue(status);
    violationsExpected = status == 409; // not an answer the OpenAPI file lists
  }

  @Test
  void adapterCredentialsTheAdapterRefusesAreAnAuthenticationFailure() {
    start(TestScannerAdapter.builder());
    Throwable t =
        failure(
            () ->
                ScannerClient.builder(adapter.uri())
                    .authorization("Bearer wrong-s3cr3t")
                    .build()
                    .metadata());

    assertThat(t).isInstanceOf(ScannerAuthenticationException.class);
    violationsExpected = true; // the adapter records the refused authorization
  }

  // --- report polling ------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  void awaitReport_waitsWhatRefreshAfterSays_thenReturnsTheReportBytes(ApiVersion version)
      throws IOException {
    start(
        TestScannerAdapter.builder()
            .version(version)
            .pendingPolls(2)
            .retryHeader("Refresh-After", "3"));
    ScannerClient client = client().build();
    ScanRequestId id = client.scan(request(URI.create("http://r.example")));
    ScanReport report = client.awaitReport(id, ScannerMediaTypes.VULNERABILITY_REPORT_V1_1);

    assertThat(waits).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
    assertThat(report.bytes()).isEqualTo(TestScannerAdapter.defaultReport());
    assertThat(report.mediaType()).isEqualTo(ScannerMediaTypes.VULNERABILITY_REPORT_V1_1);
    assertThat(report.id()).isEqualTo(id);
    List<TestScannerAdapter.Exchange> polls = adapter.exchanges("GET", "/scan/" + id + "/report");
    assertThat(polls)
        .extracting(TestScannerAdapter.Exchange::status)
        .containsExactly(302, 302, 200);
    assertThat(polls)
        .allSatisfy(
            e ->
                assertThat(e.header("Accept"))
                    .contains(ScannerMediaTypes.VULNERABILITY_REPORT_V1_1.value()));
  }

  @Test
  void awaitReport_usesRetryAfter_whenTheAdapterSendsThatInstead() throws IOException {
    start(TestScannerAdapter.builder().pendingPolls(1).retryHeader("Retry-After", "7"));
    ScannerClient client = client().build();
    client.awaitReport(
        client.scan(request(URI.create("http://r.example"))),
        ScannerMediaTypes.VULNERABILITY_REPORT_V1_1);

    assertThat(waits).containsExactly(Duration.ofSeconds(7));
  }

  @ParameterizedTest
  @CsvSource({
    "0, PT1S", // below the bound: the minimum
    "86400, PT1M", // above the bound: the maximum
    "soon, PT5S", // unusable: the default
    "-3, PT5S"
  })
  void awaitReport_boundsTheWaitsTheAdapterAsksFor(String header, String expected)
      throws IOException {
    start(TestScannerAdapter.builder().pendingPolls(1).retryHeader("Retry-After", header));
    ScannerClient client = client().build();
    client.awaitReport(
        client.scan(request(URI.create("http://r.example"))),
        ScannerMediaTypes.VULNERABILITY_REPORT_V1_1);

    assertThat(waits).containsExactly(Duration.parse(expected));
  }

  @Test
  void awaitReport_aRetryAfterDateIsAWaitUntilThen() throws IOException {
    start(
        TestScannerAdapter.builder()
            .pendingPolls(1)
            .retryHeader("Retry-After", "Thu, 01 Jan 2026 00:00:12 GMT"));
    ScannerClient client = client().build();
    client.awaitReport(
        client.scan(request(URI.create("http://r.example"))),
        ScannerMediaTypes.VULNERABILITY_REPORT_V1_1);

    assertThat(waits).containsExactly(Duration.ofSeconds(12));
  }

  @Test
  void awaitReport_givesUpWhenTheBudgetIsSpent_afterALastPollAtTheDeadline() throws IOException {
    start(TestScannerAdapter.builder().pendingPolls(100).retryHeader("Refresh-After", "10"));
    ScannerClient client = client().build();
    ScanRequestId id = client.scan(request(URI.create("http://r.example")));
    Throwable t =
        failure(
            () ->
                client.awaitReport(
                    id, ScannerMediaTypes.VULNERABILITY_REPORT_V1_1, Duration.ofSeconds(25)));

    assertThat(t).isInstanceOf(ScanTimeoutException.class).hasMessageContaining("4 polls");
    assertThat(waits)
        .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5));
  }

  @Test
  void awaitReport_anInterruptedWaitIsAnInterruptedIoException_andKeepsTheFlag()
      throws IOException {
    start(TestScannerAdapter.builder().pendingPolls(1));
    ScannerClient client =
        client()
            .sleeper(
                d -> {
                  throw new InterruptedException();
                })
            .build();
    ScanRequestId id = client.scan(request(URI.create("http://r.example")));
    try {
      assertThatThrownBy(() -> client.awaitReport(id, ScannerMediaTypes.VULNERABILITY_REPORT_V1_1))
          .isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void report_ofAnUnknownScanIsNotFound() {
    start(TestScannerAdapter.builder());
    Throwable t =
        failure(
            () ->
                client()
                    .build()
                    .report(
                        new ScanRequestId("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
                        ScannerMediaTypes.VULNERABILITY_REPORT_V1_1));

    assertThat(t).isInstanceOf(ScanNotFoundException.class);
    assertThat(((ScannerException) t).status()).hasValue(404);
  }

  @Test
  void report_aFailedScanIsScanFailed_withTheAdaptersReason() throws IOException {
    start(TestScannerAdapter.builder().reportStatus(500));
    ScannerClient client = client().build();
    ScanRequestId id = client.scan(request(URI.create("http://r.example")));
    Throwable t = failure(() -> client.report(id, ScannerMediaTypes.VULNERABILITY_REPORT_V1_1));

    assertThat(t)
        .isInstanceOf(ScanFailedException.class)
        .hasMessageContaining("report failure configured by the test");
  }

  @Test
  void report_ofATypeTheAdapterDoesNotMakeIsUnsupported_inApi12() throws IOException {
    start(TestScannerAdapter.builder());
    ScannerClient client = client().build();
    ScanRequestId id = client.scan(request(URI.create("http://r.example")));
    Throwable t = failure(() -> client.report(id, ScannerMediaTypes.RAW_REPORT));

    assertThat(t).isInstanceOf(ScannerUnsupportedException.class);
  }

  @Test
  void report_ofAnotherTypeThanAskedForIsRefused() throws IOException {
    start(TestScannerAdapter.builder().answeredType(ScannerMediaTypes.HARBOR_REPORT_V1_0));
    ScannerClient client = client().build();
    ScanRequestId id = client.scan(request(URI.create("http://r.example")));
    Throwable t = failure(() -> client.report(id, ScannerMediaTypes.VULNERABILITY_REPORT_V1_1));

    assertThat(t)
        .isInstanceOf(ScannerProtocolException.class)
        .hasMessageContaining("not application/vnd.security.vulnerability.report; version=1.1");
  }

  // --- bounds --------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({"false", "true"})
  void report_of100MiBIsCutAtTheLimit(boolean announceLength) throws IOException {
    start(TestScannerAdapter.builder().streamedReport(100L << 20, announceLength));
    ScannerClient client = client().build();
    ScanRequestId id = client.scan(request(URI.create("http://r.example")));
    Throwable t = failure(() -> client.report(id, ScannerMediaTypes.VULNERABILITY_REPORT_V1_1));

    assertThat(t)
        .isInstanceOf(ScannerProtocolException.class)
        .hasMessageContaining("larger than the limit of " + ScannerClient.DEFAULT_MAX_REPORT_BYTES);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json | not JSON",
        "[] | not a JSON object",
        "{\"capabilities\":[]} | scanner: required",
        "{\"scanner\":{\"name\":1},\"capabilities\":[]} | scanner.name: a string",
        "{\"scanner\":{},\"capabilities\":{}} | capabilities: required, an array",
        "{\"scanner\":{},\"capabilities\":[{\"consumes_mime_types\":[\"x\"],\"produces_mime_types\":[]}]}"
            + " | capabilities[0].consumes_mime_types[0]: not a media type",
        "{\"scanner\":{},\"capabilities\":[{\"consumes_mime_types\":[]}]}"
            + " | capabilities[0].produces_mime_types: required",
        "{\"scanner\":{},\"capabilities\":[],\"properties\":{\"k\":2}} | properties.k: a string",
        "{\"scanner\":{},\"scanner\":{},\"capabilities\":[]} | not JSON: Duplicate field"
      })
  void metadata_thatIsNotWhatTheApiDefinesIsRefused_namingTheField(String body, String problem) {
    start(TestScannerAdapter.builder().metadata(Bytes.utf8(body)));
    Throwable t = failure(() -> client().build().metadata());

    assertThat(t).isInstanceOf(ScannerProtocolException.class).hasMessageContaining(problem);
    violationsExpected = true; // the adapter's own answer breaks the OpenAPI file
  }

  @Test
  void metadata_boundsCountsLengthsAndDepth() {
    String deep = "[".repeat(100) + "]".repeat(100);
    String many = "{\"consumes_mime_types\":[],\"produces_mime_types\":[]},".repeat(65);
    String[][] cases = {
      {
        "{\"scanner\":{},\"capabilities\":[" + many.substring(0, many.length() - 1) + "]}",
        "capabilities: more than 64"
      },
      {
        "{\"scanner\":{\"name\":\"" + "n".repeat(300) + "\"},\"capabilities\":[]}",
        "scanner.name: longer than 256"
      },
      {"{\"scanner\":{},\"capabilities\":[],\"x\":" + deep + "}", "nesting depth"},
      {
        "{\"scanner\":{},\"capabilities\":[],\"x\":\"" + "x".repeat(2 << 20) + "\"}",
        "larger than the limit of 1048576"
      },
    };
    for (String[] c : cases) {
      if (adapter != null) {
        adapter.close();
      }
      start(TestScannerAdapter.builder().metadata(Bytes.utf8(c[0])));
      Throwable t = failure(() -> client().build().metadata());
      assertThat(t).isInstanceOf(ScannerProtocolException.class).hasMessageContaining(c[1]);
    }
    violationsExpected = true;
  }

  @Test
  void scan_anAnswerWithoutAUsableIdIsRefused() {
    // An id that cannot go into a URL path as it is.
    assertThatThrownBy(() -> new ScanRequestId("../../admin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ScannerJson.scanResponse(ScannerJson.object(Bytes.utf8("{\"id\":\"a/b\"}"))))
        .isInstanceOf(ScannerJson.Invalid.class)
        .hasMessageContaining("id:");
    assertThatThrownBy(() -> ScannerJson.scanResponse(ScannerJson.object(Bytes.utf8("{}"))))
        .isInstanceOf(ScannerJson.Invalid.class)
        .hasMessageContaining("id: required");
  }

  @Test
  void anUnreachableAdapterIsUnavailable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Throwable t =
        failure(
            () ->
                ScannerClient.builder(URI.create("http://127.0.0.1:" + port))
                    .authorization(ADAPTER_AUTH)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .metadata());

    assertThat(t)
        .isInstanceOf(ScannerUnavailableException.class)
        .hasMessageContaining("cannot be reached");
  }

  // --- the adapter itself checks the OpenAPI file ----------------------------------------------

  @Test
  void theTestAdapterRefusesARequestTheOpenApiFileForbids() throws Exception {
    start(TestScannerAdapter.builder().version(ApiVersion.V1_1));
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(adapter.uri() + "/api/v1/scan"))
                .header("Authorization", ADAPTER_AUTH)
                .header("Content-Type", ScannerMediaTypes.SCAN_REQUEST_V1_0.value())
                .POST(HttpRequest.BodyPublishers.ofString("{\"registry\":{\"url\":\"http://r\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(adapter.violations()).anySatisfy(v -> assertThat(v).contains("artifact"));
    violationsExpected = true;
  }

  // --- secrets -------------------------------------------------------------------------------

  @Test
  void noAuthorizationValueIsEverRepeated_byValidationOrToString() {
    Throwable bad =
        catchThrowable(
            () -> ScannerClient.builder(URI.create("http://a")).authorization("Bearer s3cr3t\n"));
    assertThat(bad).isInstanceOf(IllegalArgumentException.class);
    messages.add(bad.getMessage());
    Throwable userInfo =
        catchThrowable(() -> ScannerClient.builder(URI.create("http://user:s3cr3t@a")));
    assertThat(userInfo).isInstanceOf(IllegalArgumentException.class);
    messages.add(userInfo.getMessage());
    ScanRequest r = request(URI.create("http://r.example"));
    messages.add(r.toString());
    assertThat(r.toString()).contains("with authorization");
    messages.add(
        ScannerClient.builder(URI.create("http://a"))
            .authorization(ADAPTER_AUTH)
            .build()
            .toString());
  }

  @Test
  void secretsEchoedInBasicFormAreTakenOutToo() {
    Secrets s =
        Secrets.of(
            List.of(
                java.util.Optional.of("Basic dXNlcjpzM2NyM3QtcGFzcw=="),
                java.util.Optional.empty()));
    assertThat(s.redact("got Basic dXNlcjpzM2NyM3QtcGFzcw==, user:s3cr3t-pass, s3cr3t-pass"))
        .isEqualTo("got ***, ***, ***");
    assertThat(Secrets.clean("a\nb\u0000c" + "x".repeat(400), 10)).isEqualTo("a b cxxxxx…");
  }
}
