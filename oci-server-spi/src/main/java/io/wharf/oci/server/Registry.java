package io.wharf.oci.server;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.error.UnsupportedOciException;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCI Distribution API v1.1, implemented once over a {@link RegistryStorage}: every endpoint of
 * the spec plus {@code _catalog}. Transport-neutral: a transport turns its exchange into a {@link
 * RegistryRequest} and writes back the {@link RegistryResponse}. Immutable and thread-safe.
 *
 * <p>Every error is the spec's JSON body ({@code {"errors":[{code,message,detail}]}}) with the
 * code's status; every response carries {@code Docker-Distribution-API-Version: registry/2.0}.
 */
public final class Registry implements RegistryHandler {

  private static final Logger log = LoggerFactory.getLogger(Registry.class);

  static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";
  static final String API_VERSION = "registry/2.0";

  private final Settings settings;
  private final BlobEndpoints blobs;
  private final ManifestEndpoints manifests;

  private Registry(Settings settings) {
    this.settings = settings;
    this.blobs = new BlobEndpoints(settings);
    this.manifests = new ManifestEndpoints(settings);
  }

  /** A builder of a registry over {@code storage} (wrapped in the checking decorators). */
  public static Builder builder(RegistryStorage storage) {
    return new Builder(storage);
  }

  /**
   * Serves this registry over HTTP on the JDK's server at {@code address} (port 0 picks a free
   * one). Close the returned server to stop; the storage stays open.
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
      UploadSessions uploads) {}

  @Override
  public RegistryResponse handle(RegistryRequest request) throws IOException {
    Route route;
    try {
      if (request.rawQuery().length() > RegistryRequest.MAX_QUERY_LENGTH) {
        throw new UnsupportedOciException(
            ErrorCode.UNSUPPORTED, "query string is too long", null, 414, null);
      }
      route = Route.of(request.method(), request.path());
      return withVersion(dispatch(route, request));
    } catch (OciException e) {
      log.debug("{} {}: {} {}", request.method(), request.path(), e.code(), e.getMessage());
      return error(request, e);
    } catch (RuntimeException e) {
      // A bug, not the client's fault: logged once here, answered as the spec's UNKNOWN.
      log.error("{} {} failed", request.method(), Route.abbreviate(request.path()), e);
      return error(
          request,
          new io.wharf.oci.model.error.StorageException(
              ErrorCode.UNKNOWN, "internal error while handling the request", e));
    }
  }

  private RegistryResponse dispatch(Route route, RegistryRequest request) throws IOException {
    switch (route.endpoint()) {
      case END_1:
        return RegistryResponse.of(
            200, json().build(), request.method() == HttpMethod.HEAD ? Bytes.empty() : EMPTY_JSON);
      case END_2:
        return blobs.get(route, request);
      case END_10:
        return blobs.delete(route);
      case END_4:
      case END_11:
        return blobs.startUpload(route, request);
      case END_5:
        return blobs.patch(route, request);
      case END_6:
        return blobs.finish(route, request);
      case END_13:
        return blobs.status(route);
      case END_14:
        return blobs.cancel(route);
      case END_3:
        return manifests.get(route, request);
      case END_7:
        return manifests.put(route, request);
      case END_9:
        return manifests.delete(route);
      case END_8:
        return manifests.tags(route, request);
      case END_12:
        return manifests.referrers(route, request);
      case CATALOG:
        return manifests.catalog(request);
      default:
        throw new IllegalStateException("unrouted endpoint " + route.endpoint());
    }
  }

  private static final Bytes EMPTY_JSON = Bytes.utf8("{}");

  static Headers.Builder json() {
    return Headers.builder().set("Content-Type", "application/json");
  }

  private static RegistryResponse withVersion(RegistryResponse r) {
    return new RegistryResponse(
        r.status(), r.headers().toBuilder().set(API_VERSION_HEADER, API_VERSION).build(), r.body());
  }

  /** The spec's error body for {@code e}; no body for HEAD. */
  static RegistryResponse error(RegistryRequest request, OciException e) {
    Bytes body = ErrorResponse.of(e).toJson();
    Headers.Builder h = json().set(API_VERSION_HEADER, API_VERSION);
    if (request.method() == HttpMethod.HEAD) {
      h.set("Content-Length", Long.toString(body.size()));
      return RegistryResponse.of(e.httpStatus(), h.build());
    }
    return RegistryResponse.of(e.httpStatus(), h.build(), body);
  }

  /** Assembles a {@link Registry}. */
  public static final class Builder {
    private final RegistryStorage storage;
    private Clock clock = Clock.systemUTC();
    private int maxManifestBytes = ManifestCodec.DEFAULT_MAX_BYTES;
    private boolean deletesEnabled = true;
    private Duration uploadExpiry = Duration.ofHours(24);
    private long chunkMinLength = 0;
    private int maxOpenUploads = 10_000;

    private Builder(RegistryStorage storage) {
      this.storage = Objects.requireNonNull(storage).checked();
    }

    /** The clock for timestamps and upload expiry (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
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

    /** How long an upload session may stay idle before it and its data are removed (24 h). */
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

    /** How many upload sessions may be open at once; more are refused with 429 (10,000). */
    public Builder maxOpenUploads(int max) {
      if (max <= 0) {
        throw new IllegalArgumentException("maxOpenUploads must be positive");
      }
      this.maxOpenUploads = max;
      return this;
    }

    /** The registry. */
    public Registry build() {
      return new Registry(
          new Settings(
              storage,
              clock,
              ManifestCodec.defaults().withMaxBytes(maxManifestBytes),
              deletesEnabled,
              chunkMinLength,
              new UploadSessions(storage.blobs(), clock, uploadExpiry, maxOpenUploads)));
    }
  }
}
