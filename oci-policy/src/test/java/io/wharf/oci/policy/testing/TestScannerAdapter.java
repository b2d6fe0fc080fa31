package io.wharf.oci.policy.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.policy.scanner.ApiVersion;
import io.wharf.oci.policy.scanner.ScannerMediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scanner adapter of Harbor's Pluggable Scanner API (v1.1 or v1.2) for tests, on the JDK's HTTP
 * server at {@code 127.0.0.1}: it serves its metadata, accepts scans, answers {@code 302} with a
 * retry header a configured number of times, then the report it was configured with (by default a
 * Harbor report made of the OpenAPI file's examples).
 *
 * <p>Every request it receives and every answer it gives is checked against the OpenAPI file of its
 * version ({@code scanner-adapter-openapi-v1.1.yaml}, {@code -v1.2.yaml}, copied from
 * goharbor/pluggable-scanner-spec) with Atlassian's swagger-request-validator; what fails is
 * recorded in {@link #violations()} (a request that fails is answered {@code 400} with the
 * problems, as the API's "invalid JSON" answer). Tests assert that there are none.
 *
 * <p>With {@link Builder#pullFromRegistry()}, it pulls the manifest it is asked to scan from the
 * registry named in the scan request, with the request's {@code authorization}, as a real adapter
 * does; a refused pull makes the scan fail ({@code 500} on the report).
 */
public final class TestScannerAdapter implements AutoCloseable {

  /** The report served by default, of {@link ScannerMediaTypes#VULNERABILITY_REPORT_V1_1}. */
  public static final String DEFAULT_REPORT =
      "/harbor-pluggable-scanner/harbor-report-from-openapi-examples.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/api/v1";
  private static final Map<ApiVersion, String> SPECS =
      Map.of(
          ApiVersion.V1_1, "/harbor-pluggable-scanner/scanner-adapter-openapi-v1.1.yaml",
          ApiVersion.V1_2, "/harbor-pluggable-scanner/scanner-adapter-openapi-v1.2.yaml");

  /** One request the adapter received and the status it answered. */
  public record Exchange(
      String method, String path, Map<String, List<String>> headers, Bytes body, int status) {
    /** The first value of header {@code name} (case-insensitive). */
    public Optional<String> header(String name) {
      return first(headers, name);
    }
  }

  private final Builder config;
  private final OpenApiInteractionValidator validator;
  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient puller;
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<Integer> pulls = new CopyOnWriteArrayList<>();
  private final Map<String, Scan> scans = new ConcurrentHashMap<>();

  /** A scan the adapter accepted. */
  private static final class Scan {
    final AtomicInteger pending;
    volatile Optional<String> failure = Optional.empty();

    Scan(int pending) {
      this.pending = new AtomicInteger(pending);
    }
  }

  private TestScannerAdapter(Builder config) throws IOException {
    this.config = config;
    LevelResolver.Builder levels = LevelResolver.create();
    if (config.authorization.isEmpty()) {
      // The OpenAPI file asks every request for Basic or Bearer credentials; this adapter was set
      // up to take requests without them, as an adapter without authentication does.
      levels.withLevel("validation.request.security.missing", ValidationReport.Level.IGNORE);
    }
    SwaggerParseResult parsed = parse(config.version);
    this.validator =
        OpenApiInteractionValidator.createFor(parsed.getOpenAPI())
            .withLevelResolver(levels.build())
            .build();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "test-scanner-adapter");
              t.setDaemon(true);
              return t;
            });
    this.puller =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * The OpenAPI file of {@code version}, read by swagger-parser. The validator takes the parsed
   * model: built from the file's text it refuses a file with any parse message, and the v1.2 file
   * has two authoring slips the parser skips ({@link #KNOWN_SPEC_SLIPS}), which {@code
   * TestScannerAdapterTest} pins.
   */
  public static SwaggerParseResult parse(ApiVersion version) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result =
        new OpenAPIV3Parser().readContents(resource(SPECS.get(version)).utf8(), null, options);
    if (result.getOpenAPI() == null) {
      throw new IllegalStateException("cannot read the OpenAPI file: " + result.getMessages());
    }
    return result;
  }

  /**
   * What swagger-parser reports about the v1.2 file: a {@code descriptions} key (for {@code
   * description}) in {@code ScannerCapability.additional_attributes}, and an {@code enum} beside
   * the {@code sbom_media_type} parameter's schema instead of in it. Both are skipped: the first is
   * documentation, the second leaves the query parameter a plain string.
   */
  public static final List<String> KNOWN_SPEC_SLIPS =
      List.of(
          "attribute components.schemas.ScannerCapability.descriptions is unexpected",
          "attribute paths.'/scan/{scan_request_id}/report'(get).parameters.[sbom_media_type].enum"
              + " is unexpected");

  /** A builder of an adapter of API 1.2 serving the default report at once. */
  public static Builder builder() {
    return new Builder();
  }

  /** The adapter's base URI ({@code http://127.0.0.1:port}). */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every request received, in order. */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** The requests received at {@code method path} (a path below {@code /api/v1}). */
  public List<Exchange> exchanges(String method, String pathPrefix) {
    List<Exchange> found = new ArrayList<>();
    for (Exchange e : exchanges) {
      if (e.method().equals(method) && e.path().startsWith(API + pathPrefix)) {
        found.add(e);
      }
    }
    return found;
  }

  /** The bodies of the scan requests received, as JSON. */
  public List<JsonNode> scanRequests() {
    List<JsonNode> found = new ArrayList<>();
    for (Exchange e : exchanges("POST", "/scan")) {
      found.add(readJson(e.body()));
    }
    return found;
  }

  /**
   * Where requests received or answers given broke the OpenAPI file (or the adapter's own rules,
   * such as its authorization): empty when all was as the API says.
   */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** The statuses the registry answered the adapter's pulls with. */
  public List<Integer> pulls() {
    return List.copyOf(pulls);
  }

  /** The report served by default. */
  public static Bytes defaultReport() {
    return resource(DEFAULT_REPORT);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      Map<String, List<String>> headers = Map.copyOf(exchange.getRequestHeaders());
      Bytes body;
      try (InputStream in = exchange.getRequestBody()) {
        body = Bytes.readAtMost(in, 1 << 20);
      }
      Answer answer = answer(method, path, exchange, headers, body);
      exchanges.add(new Exchange(method, path, headers, body, answer.status));
      if (answer.streamed > 0) {
        stream(exchange, answer);
        return;
      }
      if (answer.status < 400 || answer.status == 500 && !answer.body.isEmpty()) {
        checkAnswer(method, path, answer);
      }
      answer.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      if (!answer.contentType.isEmpty()) {
        exchange.getResponseHeaders().set("Content-Type", answer.contentType);
      }
      exchange.sendResponseHeaders(answer.status, answer.body.isEmpty() ? -1 : answer.body.size());
      if (!answer.body.isEmpty()) {
        try (OutputStream out = exchange.getResponseBody()) {
          answer.body.writeTo(out);
        }
      }
    }
  }

  /** What the adapter answers: status, content type, headers, body (or a streamed size). */
  private static final class Answer {
    final int status;
    final String contentType;
    final Bytes body;
    final Map<String, String> headers;
    long streamed;

    Answer(int status, String contentType, Bytes body, Map<String, String> headers) {
      this.status = status;
      this.contentType = contentType;
      this.body = body;
      this.headers = headers;
    }
  }

  private static Answer error(int status, String message) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("error").put("message", message);
    return new Answer(status, ScannerMediaTypes.ERROR_V1_0.value(), json(root), Map.of());
  }

  private Answer answer(
      String method,
      String path,
      HttpExchange exchange,
      Map<String, List<String>> headers,
      Bytes body) {
    List<String> problems = checkRequest(method, exchange, headers, body);
    if (!problems.isEmpty()) {
      violations.addAll(problems);
      return error(400, String.join("; ", problems));
    }
    if (config.authorization.isPresent()
        && !config.authorization.equals(first(headers, "Authorization"))) {
      violations.add(method + " " + path + ": wrong or missing Authorization");
      return error(401, "unauthorized");
    }
    if (method.equals("GET") && path.equals(API + "/metadata")) {
      return metadata();
    }
    if (method.equals("POST") && path.equals(API + "/scan")) {
      return scan(body);
    }
    String prefix = API + "/scan/";
    if (method.equals("GET") && path.startsWith(prefix) && path.endsWith("/report")) {
      String id = path.substring(prefix.length(), path.length() - "/report".length());
      return report(id, first(headers, "Accept"));
    }
    return new Answer(404, "", Bytes.empty(), Map.of());
  }

  private Answer metadata() {
    if (config.metadata.isPresent()) {
      return new Answer(
          200, config.version.metadataType().value(), config.metadata.get(), Map.of());
    }
    ObjectNode root = JSON.createObjectNode();
    ObjectNode scanner = root.putObject("scanner");
    scanner.put("name", "Wharf test scanner");
    scanner.put("vendor", "Wharf");
    scanner.put("version", "1.0");
    ArrayNode caps = root.putArray("capabilities");
    ObjectNode vuln = caps.addObject();
    if (config.version == ApiVersion.V1_2) {
      vuln.put("type", "vulnerability");
    }
    ArrayNode consumes = vuln.putArray("consumes_mime_types");
    consumes.add(MediaType.OCI_IMAGE_MANIFEST.value());
    consumes.add(MediaType.DOCKER_MANIFEST_V2.value());
    ArrayNode produces = vuln.putArray("produces_mime_types");
    config.produces.forEach(t -> produces.add(t.value()));
    if (config.version == ApiVersion.V1_2) {
      ObjectNode sbom = caps.addObject();
      sbom.put("type", "sbom");
      sbom.putArray("consumes_mime_types").add(MediaType.OCI_IMAGE_MANIFEST.value());
      sbom.putArray("produces_mime_types").add(ScannerMediaTypes.SBOM_REPORT_V1_0.value());
      sbom.putObject("additional_attributes")
          .putArray("sbom_media_types")
          .add("application/spdx+json")
          .add("application/vnd.cyclonedx+json");
    }
    ObjectNode properties = root.putObject("properties");
    properties.put("harbor.scanner-adapter/scanner-type", "os-package-vulnerability");
    properties.put(
        "harbor.scanner-adapter/vulnerability-database-updated-at", "2019-08-13T08:16:33.345Z");
    return new Answer(200, config.version.metadataType().value(), json(root), Map.of());
  }

  private Answer scan(Bytes body) {
    JsonNode request = readJson(body);
    if (config.scanStatus != 202) {
      String auth = request.path("registry").path("authorization").asText("");
      // An adapter that echoes what it was given: the client must keep it out of its messages.
      return error(config.scanStatus, "cannot scan with authorization " + auth + " (test)");
    }
    String id = UUID.randomUUID().toString();
    Scan scan = new Scan(config.pendingPolls);
    if (config.pullFromRegistry) {
      scan.failure = pull(request);
    }
    scans.put(id, scan);
    ObjectNode answer = JSON.createObjectNode().put("id", id);
    return new Answer(202, ScannerMediaTypes.SCAN_RESPONSE_V1_0.value(), json(answer), Map.of());
  }

  /** Pulls the manifest to scan as an adapter would; the reason it failed, if it did. */
  private Optional<String> pull(JsonNode request) {
    JsonNode registry = request.path("registry");
    JsonNode artifact = request.path("artifact");
    URI uri =
        URI.create(
            registry.path("url").asText()
                + "/v2/"
                + artifact.path("repository").asText()
                + "/manifests/"
                + artifact.path("digest").asText());
    HttpRequest.Builder get =
        HttpRequest.newBuilder(uri)
            .GET()
            .header("Accept", artifact.path("mime_type").asText())
            .timeout(Duration.ofSeconds(10));
    if (registry.hasNonNull("authorization")) {
      get.header("Authorization", registry.path("authorization").asText());
    }
    try {
      HttpResponse<byte[]> r = puller.send(get.build(), HttpResponse.BodyHandlers.ofByteArray());
      pulls.add(r.statusCode());
      return r.statusCode() == 200
          ? Optional.empty()
          : Optional.of("pulling " + uri + " answered " + r.statusCode());
    } catch (IOException e) {
      pulls.add(-1);
      return Optional.of("pulling " + uri + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  private Answer report(String id, Optional<String> accept) {
    Scan scan = scans.get(id);
    if (scan == null) {
      return new Answer(404, "", Bytes.empty(), Map.of());
    }
    if (config.reportStatus != 200) {
      return error(config.reportStatus, "report failure configured by the test");
    }
    if (scan.failure.isPresent()) {
      return error(500, scan.failure.get());
    }
    if (accept.isEmpty()
        || !ScannerMediaTypes.sameType(MediaType.parse(accept.get()), config.reportType)) {
      return config.version == ApiVersion.V1_2
          ? error(501, "this adapter makes " + config.reportType + " only")
          : error(500, "this adapter makes " + config.reportType + " only");
    }
    if (scan.pending.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return new Answer(302, "", Bytes.empty(), Map.of(config.retryHeader, config.retryValue));
    }
    Answer answer =
        new Answer(
            200, config.answeredType.orElse(config.reportType).value(), config.report, Map.of());
    answer.streamed = config.streamedBytes;
    return answer;
  }

  /** Sends {@code answer.streamed} bytes of JSON-ish filler, until the client hangs up. */
  private void stream(HttpExchange exchange, Answer answer) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", answer.contentType);
    exchange.sendResponseHeaders(200, config.announceLength ? answer.streamed : 0);
    byte[] chunk = new byte[64 << 10];
    java.util.Arrays.fill(chunk, (byte) ' ');
    try (OutputStream out = exchange.getResponseBody()) {
      for (long sent = 0; sent < answer.streamed; sent += chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, answer.streamed - sent));
      }
    } catch (IOException e) {
      // The client cut the report off, as it should.
    }
  }

  private List<String> checkRequest(
      String method, HttpExchange exchange, Map<String, List<String>> headers, Bytes body) {
    SimpleRequest.Builder b =
        new SimpleRequest.Builder(method, exchange.getRequestURI().getRawPath());
    headers.forEach(b::withHeader);
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        b.withQueryParam(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    if (!body.isEmpty()) {
      b.withBody(body.utf8());
    }
    return messages(
        "request " + method + " " + exchange.getRequestURI(), validator.validateRequest(b.build()));
  }

  private void checkAnswer(String method, String path, Answer answer) {
    SimpleResponse.Builder b = SimpleResponse.Builder.status(answer.status);
    if (!answer.contentType.isEmpty()) {
      b.withContentType(answer.contentType);
    }
    answer.headers.forEach(b::withHeader);
    if (!answer.body.isEmpty()) {
      b.withBody(answer.body.utf8());
    }
    violations.addAll(
        messages(
            "answer " + answer.status + " to " + method + " " + path,
            validator.validateResponse(path, Request.Method.valueOf(method), b.build())));
  }

  private static List<String> messages(String where, ValidationReport report) {
    List<String> found = new ArrayList<>();
    for (ValidationReport.Message m : report.getMessages()) {
      if (m.getLevel() == ValidationReport.Level.ERROR) {
        found.add(where + ": " + m.getKey() + ": " + m.getMessage());
      }
    }
    return found;
  }

  private static Optional<String> first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
        return Optional.of(h.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  private static Bytes json(JsonNode node) {
    try {
      return Bytes.of(JSON.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readJson(Bytes body) {
    try {
      return JSON.readTree(body.toByteArray());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static Bytes resource(String name) {
    try (InputStream in = TestScannerAdapter.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + name + " is missing");
      }
      return Bytes.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Configures a {@link TestScannerAdapter}. */
  public static final class Builder {
    private ApiVersion version = ApiVersion.V1_2;
    private Optional<String> authorization = Optional.empty();
    private MediaType reportType = ScannerMediaTypes.VULNERABILITY_REPORT_V1_1;
    private Optional<MediaType> answeredType = Optional.empty();
    private List<MediaType> produces =
        List.of(ScannerMediaTypes.HARBOR_REPORT_V1_0, ScannerMediaTypes.VULNERABILITY_REPORT_V1_1);
    private Bytes report = defaultReport();
    private int pendingPolls;
    private String retryHeader = "Refresh-After";
    private String retryValue = "1";
    private int scanStatus = 202;
    private int reportStatus = 200;
    private Optional<Bytes> metadata = Optional.empty();
    private long streamedBytes;
    private boolean announceLength;
    private boolean pullFromRegistry;

    private Builder() {}

    /** The API version, and so the OpenAPI file checked against (default 1.2). */
    public Builder version(ApiVersion version) {
      this.version = Objects.requireNonNull(version);
      return this;
    }

    /** The {@code Authorization} value every request must carry (default: none needed). */
    public Builder authorization(String authorization) {
      this.authorization = Optional.of(authorization);
      return this;
    }

    /** The report served and its media type (default: the OpenAPI examples' Harbor report). */
    public Builder report(MediaType type, Bytes report) {
      this.reportType = Objects.requireNonNull(type);
      this.report = Objects.requireNonNull(report);
      return this;
    }

    /** The report types the metadata lists (default: Harbor's report under both names). */
    public Builder produces(List<MediaType> types) {
      this.produces = List.copyOf(types);
      return this;
    }

    /** Answer the report with this {@code Content-Type} instead of the report's type. */
    public Builder answeredType(MediaType type) {
      this.answeredType = Optional.of(type);
      return this;
    }

    /** How many report polls of each scan are answered {@code 302} first (default 0). */
    public Builder pendingPolls(int polls) {
      this.pendingPolls = polls;
      return this;
    }

    /** The header and value of a {@code 302} (default {@code Refresh-After: 1}). */
    public Builder retryHeader(String name, String value) {
      this.retryHeader = Objects.requireNonNull(name);
      this.retryValue = Objects.requireNonNull(value);
      return this;
    }

    /**
     * The status scan requests are answered with (default 202); another one comes with an error
     * body that quotes the request's registry authorization, as a careless adapter might.
     */
    public Builder scanStatus(int status) {
      this.scanStatus = status;
      return this;
    }

    /** The status report requests of known scans are answered with (default 200). */
    public Builder reportStatus(int status) {
      this.reportStatus = status;
      return this;
    }

    /** Metadata bytes served instead of the adapter's own. */
    public Builder metadata(Bytes json) {
      this.metadata = Optional.of(json);
      return this;
    }

    /**
     * Serve a report of {@code bytes} bytes, streamed; with {@code announceLength} its {@code
     * Content-Length} says so up front, otherwise it is chunked.
     */
    public Builder streamedReport(long bytes, boolean announceLength) {
      this.streamedBytes = bytes;
      this.announceLength = announceLength;
      return this;
    }

    /** Pull each manifest to scan from the registry the scan request names. */
    public Builder pullFromRegistry() {
      this.pullFromRegistry = true;
      return this;
    }

    /** Starts the adapter. */
    public TestScannerAdapter start() {
      try {
        return new TestScannerAdapter(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the test scanner adapter", e);
      }
    }
  }
}
