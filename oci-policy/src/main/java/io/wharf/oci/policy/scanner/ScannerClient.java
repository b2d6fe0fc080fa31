package io.wharf.oci.policy.scanner;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A client for one scanner adapter of Harbor's Pluggable Scanner API, versions 1.1 and 1.2: {@link
 * #metadata()} ({@code GET /api/v1/metadata}), {@link #scan} ({@code POST /api/v1/scan}), {@link
 * #report} ({@code GET /api/v1/scan/{scan_request_id}/report}) and {@link #awaitReport}, which
 * polls the report until it is ready, waiting as long as the adapter says ({@code Refresh-After},
 * the OpenAPI file's header, or {@code Retry-After}) within bounds.
 *
 * <p>The API version is the one {@link Builder#apiVersion} names, or else the one the adapter's
 * metadata shows ({@link ScannerMetadata#apiVersion()}): metadata is asked for once, with both
 * versions' media types in {@code Accept}, before the first scan request, and the version is kept.
 *
 * <p>Bounded: metadata, scan answers and error bodies at most 1 MiB of JSON (nesting, counts and
 * string lengths bounded too), reports at most {@link Builder#maxReportBytes} (32 MiB by default);
 * a larger body is cut and refused. Every failure is a {@link ScannerException}; no message carries
 * an authorization value, also when the adapter echoes one. Nothing is logged.
 *
 * <p>Immutable and thread-safe; {@link #toBuilder()} forks it. Uses the JDK's {@link HttpClient},
 * which follows no redirects (a {@code 302} is the API's "not ready").
 */
public final class ScannerClient {

  /** The interval between report polls when the adapter names none: 5 seconds, as Harbor. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

  /** The shortest wait between polls, whatever the adapter says (default 1 second). */
  public static final Duration DEFAULT_MIN_POLL_INTERVAL = Duration.ofSeconds(1);

  /** The longest wait between polls, whatever the adapter says (default 1 minute). */
  public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(1);

  /** How long {@link #awaitReport(ScanRequestId, MediaType)} polls by default: 10 minutes. */
  public static final Duration DEFAULT_POLL_BUDGET = Duration.ofMinutes(10);

  /** The largest report read by default: 32 MiB. */
  public static final int DEFAULT_MAX_REPORT_BYTES = 32 << 20;

  /** The connection timeout by default: 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The time allowed for one request's answer by default: 30 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** The longest adapter message quoted in an exception. */
  static final int MAX_QUOTED = 300;

  /** The most of an error body read for its message. */
  static final int MAX_ERROR_BYTES = 64 << 10;

  private static final String API = "/api/v1";

  /** Waits between polls; tests inject one that records the waits instead of waiting. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;

    /** Waits with {@link Thread#sleep(long)}. */
    static Sleeper system() {
      return d -> Thread.sleep(d.toMillis());
    }
  }

  private final Builder settings;
  private final URI base;
  private final String name;
  private final HttpClient http;
  private volatile @Nullable ApiVersion negotiated;

  private ScannerClient(Builder b) {
    this.settings = b.copy();
    String uri = b.baseUri.toString();
    this.base = URI.create(uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri);
    this.name = "scanner " + ScanRequest.safe(base);
    HttpClient.Builder hb =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(b.connectTimeout);
    if (b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    this.http = hb.build();
    this.negotiated = b.apiVersion;
  }

  /** A builder for a client of the adapter at {@code baseUri} (its root; the API is under it). */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  /** A builder with this client's settings. */
  public Builder toBuilder() {
    return settings.copy();
  }

  /** The adapter's base URI. */
  public URI baseUri() {
    return base;
  }

  /**
   * {@code GET /api/v1/metadata}: the scanner, its capabilities and properties. Accepts both
   * versions' metadata media types (only the configured version's when one is set) and keeps the
   * API version the answer shows for the scan requests that follow.
   *
   * @throws ScannerUnavailableException on {@code 500} or when unreachable
   * @throws ScannerAuthenticationException on {@code 401} or {@code 403}
   * @throws ScannerProtocolException on any other answer, or metadata that is not what the API
   *     defines (the message names the field)
   */
  public ScannerMetadata metadata() throws IOException {
    String op = "GET " + API + "/metadata";
    String accept =
        settings.apiVersion != null
            ? settings.apiVersion.metadataType().value()
            : ApiVersion.V1_2.metadataType().value()
                + ", "
                + ApiVersion.V1_1.metadataType().value();
    HttpRequest.Builder request = request(API + "/metadata").GET().header("Accept", accept);
    Secrets secrets = secrets(Optional.empty());
    HttpResponse<InputStream> r = send(request, op);
    try (InputStream body = r.body()) {
      int status = r.statusCode();
      if (status != 200) {
        throw failure(op, r, secrets, Operation.METADATA);
      }
      Bytes json = read(body, r, ScannerJson.MAX_JSON_BYTES, op, "the metadata");
      boolean v12 =
          contentType(r)
              .filter(t -> t.is(ScannerMediaTypes.METADATA_V1_1))
              .flatMap(ScannerMediaTypes::version)
              .filter(v -> v.equals("1.1"))
              .isPresent();
      ScannerMetadata metadata;
      try {
        metadata =
            ScannerJson.metadata(
                ScannerJson.object(json), Optional.ofNullable(settings.apiVersion), v12);
      } catch (ScannerJson.Invalid e) {
        throw protocol(op, status, "metadata " + e.getMessage(), secrets);
      }
      negotiated = metadata.apiVersion();
      return metadata;
    }
  }

  /**
   * The API version spoken with the adapter: the configured one, or the one its metadata showed
   * (asked for now when it was not yet).
   */
  public ApiVersion apiVersion() throws IOException {
    ApiVersion v = negotiated;
    return v != null ? v : metadata().apiVersion();
  }

  /**
   * {@code POST /api/v1/scan}: asks the adapter to pull and scan the artifact; it answers at once
   * with the id to poll the report by. In API 1.2 the request enables the {@code vulnerability}
   * capability (with {@link ScanRequest#reportTypes()} as its {@code produces_mime_types}).
   *
   * @throws ScanRejectedException on {@code 400} (invalid JSON) or {@code 422} (an invalid field)
   * @throws ScannerUnsupportedException on {@code 501} (API 1.2: no such capability)
   * @throws ScannerUnavailableException on {@code 500}, {@code 502}-{@code 504} (with the {@code
   *     Retry-After} when given) or when unreachable
   * @throws ScannerAuthenticationException on {@code 401} or {@code 403}
   * @throws ScannerProtocolException on any other answer, or an answer without a usable id
   */
  public ScanRequestId scan(ScanRequest scan) throws IOException {
    Objects.requireNonNull(scan, "scan");
    ApiVersion version = apiVersion();
    String op = "POST " + API + "/scan";
    Secrets secrets = secrets(scan.registryAuthorization());
    HttpRequest.Builder request =
        request(API + "/scan")
            .header("Content-Type", version.scanRequestType().value())
            .header("Accept", ScannerMediaTypes.SCAN_RESPONSE_V1_0.value())
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    ScannerJson.scanRequest(scan, version).toByteArray()));
    HttpResponse<InputStream> r = send(request, op);
    try (InputStream body = r.body()) {
      int status = r.statusCode();
      if (status != 202) {
        throw failure(op, r, secrets, Operation.SCAN);
      }
      Bytes json = read(body, r, ScannerJson.MAX_JSON_BYTES, op, "the scan answer");
      try {
        return ScannerJson.scanResponse(ScannerJson.object(json));
      } catch (ScannerJson.Invalid e) {
        throw protocol(op, status, "scan answer " + e.getMessage(), secrets);
      }
    }
  }

  /**
   * {@code GET /api/v1/scan/{id}/report} with {@code Accept: reportType}, once: the report ({@code
   * 200}, at most {@link Builder#maxReportBytes} bytes, of the type asked for), or {@link
   * ReportPoll.Pending} ({@code 302}) with the wait the adapter asked for.
   *
   * @throws ScanNotFoundException on {@code 404}
   * @throws ScanFailedException on {@code 500}: the scan failed
   * @throws ScanRejectedException on {@code 400}
   * @throws ScannerUnsupportedException on {@code 501}
   * @throws ScannerUnavailableException on {@code 502}-{@code 504} or when unreachable
   * @throws ScannerAuthenticationException on {@code 401} or {@code 403}
   * @throws ScannerProtocolException on any other answer, a report larger than the limit, or one of
   *     another media type
   */
  public ReportPoll report(ScanRequestId id, MediaType reportType) throws IOException {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(reportType, "reportType");
    String path = API + "/scan/" + id.value() + "/report";
    String op = "GET " + path;
    Secrets secrets = secrets(Optional.empty());
    HttpResponse<InputStream> r =
        send(request(path).GET().header("Accept", reportType.value()), op);
    try (InputStream body = r.body()) {
      int status = r.statusCode();
      if (status == 302) {
        return new ReportPoll.Pending(pollInterval(r));
      }
      if (status != 200) {
        throw failure(op, r, secrets, Operation.REPORT);
      }
      Optional<MediaType> type = contentType(r);
      if (type.isPresent() && !ScannerMediaTypes.sameType(type.get(), reportType)) {
        throw protocol(
            op, status, "answered a report of type " + type.get() + ", not " + reportType, secrets);
      }
      Bytes report = read(body, r, settings.maxReportBytes, op, "the report");
      return new ReportPoll.Ready(new ScanReport(id, reportType, report));
    }
  }

  /**
   * Polls {@link #report} until the report is ready, for at most the builder's poll budget (10
   * minutes by default).
   *
   * @throws ScanTimeoutException when the report is not ready in time
   */
  public ScanReport awaitReport(ScanRequestId id, MediaType reportType) throws IOException {
    return awaitReport(id, reportType, settings.pollBudget);
  }

  /**
   * Polls {@link #report} until the report is ready, waiting between polls as long as each {@code
   * 302} asks (bounded by the builder's poll interval limits), for at most {@code max} by the
   * client's clock: the last poll is made when {@code max} is up.
   *
   * @throws ScanTimeoutException when the report is not ready in time
   * @throws InterruptedIOException when the thread is interrupted while it waits (its interrupt
   *     flag is set again)
   */
  public ScanReport awaitReport(ScanRequestId id, MediaType reportType, Duration max)
      throws IOException {
    if (max.isNegative()) {
      throw new IllegalArgumentException("max must not be negative");
    }
    Clock clock = settings.clock;
    Instant deadline = clock.instant().plus(max);
    int polls = 0;
    while (true) {
      ReportPoll poll = report(id, reportType);
      polls++;
      if (poll instanceof ReportPoll.Ready) {
        return ((ReportPoll.Ready) poll).report();
      }
      Duration remaining = Duration.between(clock.instant(), deadline);
      if (remaining.isNegative() || remaining.isZero()) {
        throw new ScanTimeoutException(
            name
                + ": the report of scan "
                + id
                + " was not ready after "
                + polls
                + (polls == 1 ? " poll" : " polls")
                + " in "
                + max,
            302,
            null);
      }
      Duration wait = ((ReportPoll.Pending) poll).retryAfter();
      try {
        settings.sleeper.sleep(wait.compareTo(remaining) < 0 ? wait : remaining);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(name + ": interrupted while waiting for scan " + id);
      }
    }
  }

  @Override
  public String toString() {
    return "ScannerClient[" + ScanRequest.safe(base) + "]";
  }

  // ------------------------------------------------------------------------------------------

  private enum Operation {
    METADATA,
    SCAN,
    REPORT
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(settings.requestTimeout);
    if (settings.authorization != null) {
      b.header("Authorization", settings.authorization);
    }
    return b;
  }

  private Secrets secrets(Optional<String> registryAuthorization) {
    return Secrets.of(List.of(Optional.ofNullable(settings.authorization), registryAuthorization));
  }

  private HttpResponse<InputStream> send(HttpRequest.Builder request, String op)
      throws IOException {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(name + ": " + op + " interrupted");
    } catch (HttpTimeoutException e) {
      throw new ScannerUnavailableException(
          name + ": " + op + " timed out (" + e.getClass().getSimpleName() + ")", -1, null, e);
    } catch (IOException e) {
      String detail = e.getMessage() == null ? "" : ": " + Secrets.clean(e.getMessage(), 200);
      throw new ScannerUnavailableException(
          name
              + ": "
              + op
              + " failed, the adapter cannot be reached ("
              + e.getClass().getSimpleName()
              + detail
              + ")",
          -1,
          null,
          e);
    }
  }

  private Bytes read(InputStream body, HttpResponse<?> r, int max, String op, String what)
      throws IOException {
    OptionalLong length = r.headers().firstValueAsLong("Content-Length");
    if (length.isPresent() && length.getAsLong() > max) {
      throw protocol(
          op,
          r.statusCode(),
          what + " of " + length.getAsLong() + " bytes is larger than the limit of " + max,
          Secrets.none());
    }
    try {
      return Bytes.readAtMost(body, max);
    } catch (Bytes.TooLargeException e) {
      throw protocol(
          op,
          r.statusCode(),
          what + " is larger than the limit of " + max + " bytes",
          Secrets.none());
    }
  }

  private static Optional<MediaType> contentType(HttpResponse<?> r) {
    Optional<String> value = r.headers().firstValue("Content-Type");
    if (value.isEmpty() || value.get().isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(MediaType.parse(value.get()));
    } catch (InvalidContentException e) {
      return Optional.of(MediaType.OCTET_STREAM);
    }
  }

  /** The wait a {@code 302} asks for, bounded; the default when it names none usable. */
  private Duration pollInterval(HttpResponse<?> r) {
    Optional<Duration> asked = delay(r, "Refresh-After");
    if (asked.isEmpty()) {
      asked = delay(r, "Retry-After");
    }
    Duration d = asked.orElse(settings.pollInterval);
    if (d.compareTo(settings.minPollInterval) < 0) {
      return settings.minPollInterval;
    }
    return d.compareTo(settings.maxPollInterval) > 0 ? settings.maxPollInterval : d;
  }

  /** A header's delay: whole seconds, or (as {@code Retry-After} allows) an HTTP date. */
  private Optional<Duration> delay(HttpResponse<?> r, String header) {
    Optional<String> value = r.headers().firstValue(header).map(String::strip);
    if (value.isEmpty() || value.get().isEmpty()) {
      return Optional.empty();
    }
    return Delays.parse(value.get(), settings.clock.instant());
  }

  private ScannerException failure(
      String op, HttpResponse<InputStream> r, Secrets secrets, Operation operation) {
    int status = r.statusCode();
    String message = name + ": " + op + " answered " + status + adapterMessage(r, secrets);
    switch (status) {
      case 400:
        return new ScanRejectedException(message, status, null);
      case 422:
        return operation == Operation.SCAN
            ? new ScanRejectedException(message, status, null)
            : new ScannerProtocolException(message, status, null);
      case 401:
      case 403:
        return new ScannerAuthenticationException(message, status, null);
      case 404:
        return operation == Operation.REPORT
            ? new ScanNotFoundException(message, status, null)
            : new ScannerProtocolException(message + " (is this a scanner adapter?)", status, null);
      case 500:
        return operation == Operation.REPORT
            ? new ScanFailedException(message, status, null)
            : new ScannerUnavailableException(message, status, null, null);
      case 501:
        return new ScannerUnsupportedException(message, status, null);
      case 502:
      case 503:
      case 504:
        return new ScannerUnavailableException(
            message, status, delay(r, "Retry-After").orElse(null), null);
      default:
        return new ScannerProtocolException(message, status, null);
    }
  }

  /** {@code ": <the adapter's message>"}, cleaned, shortened and without secrets; or nothing. */
  private static String adapterMessage(HttpResponse<InputStream> r, Secrets secrets) {
    Bytes body;
    try {
      body = Bytes.readAtMost(r.body(), MAX_ERROR_BYTES);
    } catch (IOException e) {
      return ""; // too large, or broken off: the status says enough
    }
    if (body.isEmpty()) {
      return "";
    }
    Optional<String> message = ScannerJson.errorMessage(body);
    String text = message.orElseGet(() -> plainText(body));
    String clean = Secrets.clean(secrets.redact(text), MAX_QUOTED);
    return clean.isEmpty() ? "" : ": " + clean;
  }

  /** A body that is short text (not JSON), as it is; nothing for anything else. */
  private static String plainText(Bytes body) {
    String text = body.utf8();
    if (text.indexOf('\uFFFD') >= 0 || text.strip().startsWith("{")) {
      return "";
    }
    return text;
  }

  private ScannerProtocolException protocol(
      String op, int status, String problem, Secrets secrets) {
    return new ScannerProtocolException(
        name + ": " + op + " " + Secrets.clean(secrets.redact(problem), 2 * MAX_QUOTED),
        status,
        null);
  }

  /** Parses the delays of {@code Refresh-After} and {@code Retry-After}. */
  static final class Delays {
    private Delays() {}

    /** The most seconds read from a header; longer is cut to this before the client's bounds. */
    static final long MAX_SECONDS = 86_400;

    /**
     * {@code value} as whole seconds (at most 10 digits) or as an HTTP date (RFC 1123) relative to
     * {@code now} (a date in the past is no wait); empty when it is neither.
     */
    static Optional<Duration> parse(String value, Instant now) {
      if (!value.isEmpty()
          && value.length() <= 10
          && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Optional.of(Duration.ofSeconds(Math.min(Long.parseLong(value), MAX_SECONDS)));
      }
      if (value.length() > 64) {
        return Optional.empty();
      }
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        if (d.isNegative()) {
          return Optional.of(Duration.ZERO);
        }
        return Optional.of(d.getSeconds() > MAX_SECONDS ? Duration.ofSeconds(MAX_SECONDS) : d);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * Configures a {@link ScannerClient}. Defaults: no {@code Authorization}, the API version from
   * the adapter's metadata, connect timeout 5 s, request timeout 30 s, poll interval 5 s bounded to
   * 1 s … 1 min, poll budget 10 min, reports up to 32 MiB, the system clock and sleeper.
   */
  public static final class Builder {
    private URI baseUri;
    private @Nullable String authorization;
    private @Nullable ApiVersion apiVersion;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration minPollInterval = DEFAULT_MIN_POLL_INTERVAL;
    private Duration maxPollInterval = DEFAULT_MAX_POLL_INTERVAL;
    private Duration pollBudget = DEFAULT_POLL_BUDGET;
    private int maxReportBytes = DEFAULT_MAX_REPORT_BYTES;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private @Nullable SSLContext sslContext;

    private Builder(URI baseUri) {
      this.baseUri = ScanRequest.checkBaseUrl(baseUri, "the adapter's base URI");
    }

    private Builder copy() {
      Builder b = new Builder(baseUri);
      b.authorization = authorization;
      b.apiVersion = apiVersion;
      b.connectTimeout = connectTimeout;
      b.requestTimeout = requestTimeout;
      b.pollInterval = pollInterval;
      b.minPollInterval = minPollInterval;
      b.maxPollInterval = maxPollInterval;
      b.pollBudget = pollBudget;
      b.maxReportBytes = maxReportBytes;
      b.clock = clock;
      b.sleeper = sleeper;
      b.sslContext = sslContext;
      return b;
    }

    /** The adapter's base URI: http or https, without user information, query or fragment. */
    public Builder baseUri(URI baseUri) {
      this.baseUri = ScanRequest.checkBaseUrl(baseUri, "the adapter's base URI");
      return this;
    }

    /**
     * The {@code Authorization} header value sent to the adapter ({@code Bearer …} or {@code Basic
     * …}, as configured in the adapter): a secret, never put in a message.
     *
     * @throws IllegalArgumentException when it cannot be a header value (the message does not
     *     repeat it)
     */
    public Builder authorization(String authorization) {
      this.authorization = ScanRequest.checkAuthorization(authorization, "the authorization");
      return this;
    }

    /** Speak {@code version} instead of the version the adapter's metadata shows. */
    public Builder apiVersion(ApiVersion version) {
      this.apiVersion = Objects.requireNonNull(version, "version");
      return this;
    }

    /** How long to wait for a connection (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long to wait for one answer's status and headers (default 30 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * The wait between polls when a {@code 302} names none (default 5 s), and the bounds of any
     * wait (default 1 s … 1 min): a {@code Refresh-After: 0} waits {@code min}, a {@code
     * Refresh-After: 86400} waits {@code max}.
     */
    public Builder pollInterval(Duration interval, Duration min, Duration max) {
      positive(interval, "pollInterval");
      positive(min, "min");
      positive(max, "max");
      if (min.compareTo(max) > 0 || interval.compareTo(min) < 0 || interval.compareTo(max) > 0) {
        throw new IllegalArgumentException("need min <= interval <= max");
      }
      this.pollInterval = interval;
      this.minPollInterval = min;
      this.maxPollInterval = max;
      return this;
    }

    /** How long {@link ScannerClient#awaitReport(ScanRequestId, MediaType)} polls (10 min). */
    public Builder pollBudget(Duration budget) {
      this.pollBudget = positive(budget, "pollBudget");
      return this;
    }

    /** The largest report read, in bytes (default 32 MiB); a larger one is cut and refused. */
    public Builder maxReportBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxReportBytes must be positive");
      }
      this.maxReportBytes = bytes;
      return this;
    }

    /** The clock polling measures its budget and HTTP dates by (default system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** What waits between polls (default {@link Sleeper#system()}). */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** The TLS context for an https adapter (default: the JDK's). */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /** The client. */
    public ScannerClient build() {
      return new ScannerClient(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }
  }
}
