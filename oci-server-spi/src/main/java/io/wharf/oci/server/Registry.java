package io.wharf.oci.server;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.error.StorageException;
import io.wharf.oci.model.error.UnsupportedOciException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.server.transport.ErrorResponses;
import io.wharf.oci.storage.ByteRange;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCI Distribution API v1.1, implemented once over a {@link RegistryStorage}: every endpoint of
 * {@link Endpoint}'s table. Transport-neutral: a transport turns its exchange into a {@link
 * RegistryRequest} and writes back the {@link RegistryResponse}. Immutable and thread-safe; {@link
 * #close()} stops its event thread.
 *
 * <p>Each request goes through the same steps, in this order:
 *
 * <ol>
 *   <li><b>route</b>: the {@link Endpoint}, repository and reference, from the method, path and
 *       query; a {@link RequestContext} with a new request id;
 *   <li><b>authenticate</b>: the {@link Authenticator} says who is asking, or refuses the
 *       credentials ({@code 401});
 *   <li><b>authorise</b>: the {@link Authorizer} allows the endpoint's {@link Access}, or the
 *       request is refused ({@code 401} with a challenge for the anonymous caller, else {@code 403
 *       DENIED}); a mount's source is asked in the handler, and a denial there turns the mount into
 *       a plain upload;
 *   <li><b>the handler</b> works on the stores; on a manifest push, after the manifest was parsed
 *       and its references checked and before it is stored, on a manifest {@code GET} after it was
 *       read and before it is served, and on a manifest or tag delete before it is deleted, the
 *       <b>admission gates</b> are asked ({@link AdmissionGate}; {@code 403 DENIED} with every
 *       reason); then, on a push to a project with a quota, the <b>quota</b> ({@link Quotas};
 *       {@code 403 DENIED} with the usage and the limit);
 *   <li><b>events</b> go to the listeners, asynchronously ({@link RegistryEventListener}).
 * </ol>
 *
 * <p>Every response carries {@code Docker-Distribution-API-Version: registry/2.0} and {@code
 * X-Request-Id}. Every failure is the spec's JSON error body ({@code
 * {"errors":[{code,message,detail}]}}) with the code's status: a storage failure (a full disk, a
 * database that went away) is {@code 500 UNKNOWN}, logged once at ERROR with the request id; a
 * request body that breaks off is the client's failure ({@code 400}), logged at DEBUG.
 */
public final class Registry implements RegistryHandler, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Registry.class);

  static final String API_VERSION_HEADER = ErrorResponses.API_VERSION_HEADER;
  static final String API_VERSION = ErrorResponses.API_VERSION;

  /** The response header that carries the request id. */
  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  private static final Bytes EMPTY_JSON = Bytes.utf8("{}");

  /** The detail of a 416 that the engine also sends as the {@code Range} header. */
  static final String RANGE_DETAIL = "range";

  /** The detail of a 429 that the engine also sends as the {@code Retry-After} header. */
  static final String RETRY_AFTER_DETAIL = "retryAfter";

  private final Settings settings;
  private final BlobEndpoints blobs;
  private final ManifestEndpoints manifests;
  private final @Nullable EventDispatcher dispatcher;
  private final String idPrefix;
  private final AtomicLong requests = new AtomicLong();
  private final Map<String, ServiceHandler> routes;

  private Registry(
      Settings settings, @Nullable EventDispatcher dispatcher, Map<String, ServiceHandler> routes) {
    this.settings = settings;
    this.dispatcher = dispatcher;
    this.routes = Map.copyOf(routes);
    this.blobs = new BlobEndpoints(settings);
    this.manifests = new ManifestEndpoints(settings);
    this.idPrefix = String.format("%08x", ThreadLocalRandom.current().nextInt());
  }

  /** How long an idle upload session lives by default: 10 minutes. */
  public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofMinutes(10);

  /**
   * How many upload sessions one client may hold open by default: 256, room for a build machine
   * pushing dozens of images at once (skopeo uploads up to 6 layers of an image in parallel).
   */
  public static final int DEFAULT_MAX_UPLOADS_PER_CLIENT = 256;

  /** How many upload sessions may be open in one repository by default: 512. */
  public static final int DEFAULT_MAX_UPLOADS_PER_REPOSITORY = 512;

  /** A builder of a registry over {@code storage} (wrapped in the checking decorators). */
  public static Builder builder(RegistryStorage storage) {
    return new Builder(storage);
  }

  /**
   * Serves this registry over HTTP on the JDK's server at {@code address} (port 0 picks a free
   * one). Close the returned server to stop; the registry and the storage stay open.
   */
  public io.wharf.oci.server.jdk.RegistryServer listen(java.net.InetSocketAddress address)
      throws IOException {
    return io.wharf.oci.server.jdk.RegistryServer.start(this, address);
  }

  /** The configuration a registry runs with. */
  record Settings(
      RegistryStorage storage,
      Clock clock,
      ManifestCodec codec,
      boolean deletesEnabled,
      long chunkMinLength,
      UploadSessions uploads,
      AccessControl access,
      Gates gates,
      QuotaEnforcer quotas,
      Events events) {}

  @Override
  public RegistryResponse handle(RegistryRequest request) throws IOException {
    String requestId = idPrefix + "-" + Long.toHexString(requests.incrementAndGet());
    try {
      if (request.rawQuery().length() > RegistryRequest.MAX_QUERY_LENGTH) {
        throw new UnsupportedOciException(
            ErrorCode.UNSUPPORTED, "query string is too long", null, 414, null);
      }
      ServiceHandler service = routes.isEmpty() ? null : routes.get(request.path());
      if (service != null) {
        return withIds(service.handle(request, serviceContext(requestId, request)), requestId);
      }
      Map<String, List<String>> query = request.query();
      Route route = Route.of(request.method(), request.path(), query.keySet());
      RequestContext context = context(requestId, request, route, query);
      context = settings.access().check(context, request.headers());
      RegistryRequest guarded =
          new RegistryRequest(
              request.method(),
              request.path(),
              request.rawQuery(),
              request.headers(),
              new ClientBody(request.body()),
              request.clientAddress());
      return withIds(dispatch(context, guarded), requestId);
    } catch (StorageException e) {
      log.error("request {} {} {}: {}", requestId, request.method(), abbreviate(request), e, e);
      return error(request, e, requestId);
    } catch (OciException e) {
      log.debug(
          "request {} {} {}: {} {}",
          requestId,
          request.method(),
          abbreviate(request),
          e.code(),
          e.getMessage());
      return error(request, e, requestId);
    } catch (ClientBody.BrokenBody e) {
      // The client's failure: nothing to fix on this side. Whatever was read is dropped or, in
      // an upload session, kept up to the last byte received.
      log.debug(
          "request {} {} {}: the client broke off the body after {} bytes: {}",
          requestId,
          request.method(),
          abbreviate(request),
          e.bytesRead(),
          String.valueOf(e.getCause()));
      return error(
          request,
          new InvalidContentException(
              ErrorCode.BLOB_UPLOAD_INVALID,
              "the request body broke off after " + e.bytesRead() + " bytes"),
          requestId);
    } catch (IOException e) {
      // The stores could not move bytes (a full disk, a database that went away): logged once,
      // here, and answered as the spec's UNKNOWN.
      log.error(
          "request {} {} {}: storage failed", requestId, request.method(), abbreviate(request), e);
      return error(
          request,
          new StorageException(
              ErrorCode.UNKNOWN, "storage failed; the request id is " + requestId, e),
          requestId);
    } catch (RuntimeException e) {
      // A bug (ours or a hook's), not the client's fault: logged once here, answered as UNKNOWN.
      log.error("request {} {} {} failed", requestId, request.method(), abbreviate(request), e);
      return error(
          request,
          new StorageException(
              ErrorCode.UNKNOWN, "internal error; the request id is " + requestId, e),
          requestId);
    }
  }

  private ServiceContext serviceContext(String requestId, RegistryRequest request) {
    Instant time = settings.clock().instant();
    Events events = settings.events();
    return new ServiceContext() {
      @Override
      public String requestId() {
        return requestId;
      }

      @Override
      public Instant time() {
        return time;
      }

      @Override
      public void emit(
          RegistryEvent.Kind kind,
          Identity actor,
          int status,
          List<String> scopes,
          List<String> reasons) {
        events.service(requestId, request.clientAddress(), kind, actor, status, scopes, reasons);
      }
    };
  }

  private static String abbreviate(RegistryRequest request) {
    return Route.abbreviate(request.path());
  }

  private RequestContext context(
      String requestId, RegistryRequest request, Route route, Map<String, List<String>> query) {
    Endpoint endpoint = route.endpoint();
    List<Access> accesses;
    if (route.repository().isEmpty()) {
      accesses = List.of(endpoint.action() == Action.CATALOG ? Access.catalog() : Access.login());
    } else {
      Access own = Access.of(endpoint.action(), route.repository().get());
      List<String> from = query.getOrDefault("from", List.of());
      if (endpoint == Endpoint.BLOB_MOUNT && !from.isEmpty() && !from.get(0).isEmpty()) {
        accesses = List.of(own, Access.pull(new RepositoryName(from.get(0))));
      } else {
        accesses = List.of(own);
      }
    }
    return new RequestContext(
        requestId,
        settings.clock().instant(),
        request.method(),
        endpoint,
        route.repository(),
        route.target().isEmpty() ? Optional.empty() : Optional.of(route.target()),
        request.clientAddress(),
        Identity.ANONYMOUS,
        accesses);
  }

  private RegistryResponse dispatch(RequestContext context, RegistryRequest request)
      throws IOException {
    return switch (context.endpoint()) {
      case API_VERSION ->
          RegistryResponse.of(
              200,
              json().build(),
              request.method() == HttpMethod.HEAD ? Bytes.empty() : EMPTY_JSON);
      case BLOB_GET -> blobs.get(context, request);
      case BLOB_DELETE -> blobs.delete(context);
      case BLOB_MOUNT -> blobs.mount(context, request);
      case BLOB_UPLOAD -> blobs.uploadMonolithic(context, request);
      case UPLOAD_START, UPLOAD_START_WITH_ALGORITHM -> blobs.startUpload(context, request);
      case UPLOAD_CHUNK -> blobs.patch(context, request);
      case UPLOAD_FINISH -> blobs.finish(context, request);
      case UPLOAD_STATUS -> blobs.status(context);
      case UPLOAD_CANCEL -> blobs.cancel(context);
      case MANIFEST_GET -> manifests.get(context, request);
      case MANIFEST_PUT, MANIFEST_PUT_WITH_TAGS -> manifests.put(context, request);
      case MANIFEST_DELETE -> manifests.delete(context);
      case TAGS_LIST, TAGS_PAGE -> manifests.tags(context, request);
      case REFERRERS, REFERRERS_FILTERED -> manifests.referrers(context, request);
      case CATALOG -> manifests.catalog(context, request);
    };
  }

  static Headers.Builder json() {
    return Headers.builder().set("Content-Type", "application/json");
  }

  private static RegistryResponse withIds(RegistryResponse r, String requestId) {
    return new RegistryResponse(
        r.status(),
        r.headers().toBuilder()
            .set(API_VERSION_HEADER, API_VERSION)
            .set(REQUEST_ID_HEADER, requestId)
            .build(),
        r.body());
  }

  /** The spec's error body for {@code e}, with the headers its kind of error needs. */
  private static RegistryResponse error(RegistryRequest request, OciException e, String id) {
    Headers.Builder extra = Headers.builder().set(REQUEST_ID_HEADER, id);
    if (e instanceof Refusal refusal && refusal.challenge().isPresent()) {
      extra.set("WWW-Authenticate", refusal.challenge().get().headerValue());
    }
    if (e.detail().orElse(null) instanceof Map<?, ?> detail) {
      copyDetail(e, 405, detail, "allow", "Allow", extra);
      copyDetail(e, 416, detail, RANGE_DETAIL, "Range", extra);
      copyDetail(e, 416, detail, ByteRange.CONTENT_RANGE_DETAIL, "Content-Range", extra);
      copyDetail(e, 429, detail, RETRY_AFTER_DETAIL, "Retry-After", extra);
    }
    return ErrorResponses.of(e, request.method() == HttpMethod.HEAD, extra.build());
  }

  /** Sends {@code detail}'s {@code key} as {@code header} on an error of {@code status}. */
  private static void copyDetail(
      OciException e, int status, Map<?, ?> detail, String key, String header, Headers.Builder to) {
    Object value = detail.get(key);
    if (e.httpStatus() == status && value != null) {
      to.set(header, value.toString());
    }
  }

  /**
   * Tells the listeners of {@code event}, which happened outside the engine's requests (a lifecycle
   * job's run, {@link RegistryEvent.Kind#LIFECYCLE_RUN}), on the event thread like every other
   * event: asynchronously, never blocking the caller, dropped and counted when the queue is full or
   * the registry closed. Without a listener of its kind, nothing happens.
   */
  public void publish(RegistryEvent event) {
    settings.events().external(Objects.requireNonNull(event, "event"));
  }

  /** Events dropped because the event queue was full (see {@link RegistryEventListener}). */
  public long droppedEvents() {
    return dispatcher == null ? 0 : dispatcher.dropped();
  }

  /**
   * Delivers the events still queued (waiting at most 5 seconds) and stops the event thread. The
   * registry still answers requests afterwards, but its events are dropped. The storage stays open.
   */
  @Override
  public void close() {
    if (dispatcher != null) {
      dispatcher.close();
    }
  }

  /** Assembles a {@link Registry}. */
  public static final class Builder {
    private final RegistryStorage storage;
    private Clock clock = Clock.systemUTC();
    private int maxManifestBytes = ManifestCodec.DEFAULT_MAX_BYTES;
    private boolean deletesEnabled = true;
    private Duration uploadExpiry = DEFAULT_UPLOAD_EXPIRY;
    private long chunkMinLength = 0;
    private int maxOpenUploads = 10_000;
    private int maxUploadsPerClient = DEFAULT_MAX_UPLOADS_PER_CLIENT;
    private int maxUploadsPerRepository = DEFAULT_MAX_UPLOADS_PER_REPOSITORY;
    private Authenticator authenticator = Authenticator.anonymous();
    private Authorizer authorizer = Authorizer.allowAll();
    private final List<AdmissionGate> gates = new ArrayList<>();
    private Quotas quotas = Quotas.none();
    private final List<RegistryEventListener> listeners = new ArrayList<>();
    private final Map<String, ServiceHandler> routes = new java.util.LinkedHashMap<>();
    private int eventQueueCapacity = 10_000;

    private Builder(RegistryStorage storage) {
      this.storage = Objects.requireNonNull(storage).checked();
    }

    /** The clock for timestamps, events and upload expiry (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Who is asking (default {@link Authenticator#anonymous()}: everyone is anonymous). */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** What they may do (default {@link Authorizer#allowAll()}). */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /**
     * Adds an admission gate, asked after the ones added before; every gate must allow (default:
     * none, everything is admitted).
     */
    public Builder addGate(AdmissionGate gate) {
      gates.add(Objects.requireNonNull(gate, "gate"));
      return this;
    }

    /**
     * The projects' quotas, enforced on manifest pushes and blob uploads as {@link Quotas} says
     * (default {@link Quotas#none()}: nothing is checked, and a push costs nothing more).
     */
    public Builder quotas(Quotas quotas) {
      this.quotas = Objects.requireNonNull(quotas, "quotas");
      return this;
    }

    /**
     * Adds an event listener; each gets every event, in order, on the registry's event thread
     * (default: none, and then no event is made at all).
     */
    public Builder addListener(RegistryEventListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Serves {@code handler} at {@code path}, beside the OCI API: a token service at {@code
     * /token}, for example. The path is matched exactly (no query, no trailing-slash variant); it
     * must start with {@code /}, lie outside {@code /v2/}, and use only letters, digits and {@code
     * /._-}. The engine's access control does not run for it.
     *
     * @throws IllegalArgumentException for a path that cannot be a route, or one taken already
     */
    public Builder route(String path, ServiceHandler handler) {
      Objects.requireNonNull(handler, "handler");
      if (!path.matches("/[A-Za-z0-9._/-]{0,255}")
          || path.equals("/v2")
          || path.startsWith("/v2/")
          || path.contains("//")
          || path.contains("/./")
          || path.contains("/../")
          || path.endsWith("/.")
          || path.endsWith("/..")) {
        throw new IllegalArgumentException(
            "a route's path starts with /, lies outside /v2/ and has only letters, digits and"
                + " /._- (no empty, . or .. segments): "
                + path);
      }
      if (routes.putIfAbsent(path, handler) != null) {
        throw new IllegalArgumentException("path " + path + " has a route already");
      }
      return this;
    }

    /** How many events may wait for the listeners before new ones are dropped (10,000). */
    public Builder eventQueueCapacity(int capacity) {
      if (capacity <= 0) {
        throw new IllegalArgumentException("eventQueueCapacity must be positive");
      }
      this.eventQueueCapacity = capacity;
      return this;
    }

    /** The largest manifest accepted, in bytes (default 4 MiB, as distribution); larger is 413. */
    public Builder maxManifestBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxManifestBytes must be positive");
      }
      this.maxManifestBytes = bytes;
      return this;
    }

    /** Whether manifest, tag and blob DELETE are allowed (default yes); else 405 UNSUPPORTED. */
    public Builder deletesEnabled(boolean enabled) {
      this.deletesEnabled = enabled;
      return this;
    }

    /**
     * How long an upload session may stay idle (no request on it, none in progress) before it and
     * its data are removed (default {@link #DEFAULT_UPLOAD_EXPIRY}, 10 minutes: a client pushing
     * uses its session every few seconds; one that went away holds its slot and bytes that long).
     */
    public Builder uploadExpiry(Duration expiry) {
      if (expiry.isNegative() || expiry.isZero()) {
        throw new IllegalArgumentException("uploadExpiry must be positive");
      }
      this.uploadExpiry = expiry;
      return this;
    }

    /** The {@code OCI-Chunk-Min-Length} advertised to clients (default 0: any chunk size). */
    public Builder chunkMinLength(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("chunkMinLength must not be negative");
      }
      this.chunkMinLength = bytes;
      return this;
    }

    /**
     * How many upload sessions may be open at once in the whole registry, the last resort behind
     * the limits per client and per repository (default 10,000); more are refused with {@code 429
     * TOOMANYREQUESTS} and {@code Retry-After}.
     */
    public Builder maxOpenUploads(int max) {
      this.maxOpenUploads = positive(max, "maxOpenUploads");
      return this;
    }

    /**
     * How many upload sessions one client may hold open at once (default {@link
     * #DEFAULT_MAX_UPLOADS_PER_CLIENT}); more are refused with {@code 429 TOOMANYREQUESTS} and
     * {@code Retry-After}, while other clients go on. A client is an IPv4 address or an IPv6 /64
     * network, as the transport saw it (behind a proxy: the proxy's).
     */
    public Builder maxUploadsPerClient(int max) {
      this.maxUploadsPerClient = positive(max, "maxUploadsPerClient");
      return this;
    }

    /**
     * How many upload sessions may be open at once in one repository (default {@link
     * #DEFAULT_MAX_UPLOADS_PER_REPOSITORY}); more are refused with {@code 429 TOOMANYREQUESTS} and
     * {@code Retry-After}, while pushes to other repositories go on.
     */
    public Builder maxUploadsPerRepository(int max) {
      this.maxUploadsPerRepository = positive(max, "maxUploadsPerRepository");
      return this;
    }

    private static int positive(int value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return value;
    }

    /** The registry; with listeners, its event thread starts now. */
    public Registry build() {
      EventDispatcher dispatcher =
          listeners.isEmpty() ? null : new EventDispatcher(listeners, eventQueueCapacity);
      Events events = new Events(dispatcher, clock);
      return new Registry(
          new Settings(
              storage,
              clock,
              ManifestCodec.defaults().withMaxBytes(maxManifestBytes),
              deletesEnabled,
              chunkMinLength,
              new UploadSessions(
                  storage.blobs(),
                  clock,
                  uploadExpiry,
                  new UploadSessions.Limits(
                      maxUploadsPerClient, maxUploadsPerRepository, maxOpenUploads)),
              new AccessControl(authenticator, authorizer, events),
              new Gates(gates, storage, events),
              new QuotaEnforcer(quotas, storage.metadata(), events),
              events),
          dispatcher,
          routes);
    }
  }
}
