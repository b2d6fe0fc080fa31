package io.wharf.oci.server.lifecycle;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.error.AccessException;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.error.UnsupportedOciException;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Authenticator;
import io.wharf.oci.server.Challenge;
import io.wharf.oci.server.Endpoint;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.RequestContext;
import io.wharf.oci.server.ServiceContext;
import io.wharf.oci.server.ServiceHandler;
import io.wharf.oci.server.transport.ErrorResponses;
import io.wharf.oci.storage.lifecycle.GcRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The registry's lifecycle over HTTP, for system administrators only:
 *
 * <ul>
 *   <li>{@code GET /_wharf/lifecycle}: the jobs, their schedules, next times and last runs ({@link
 *       LifecycleJson#jobs});
 *   <li>{@code POST /_wharf/lifecycle/gc?dryRun=true&full=true}: collects garbage now and answers
 *       the report ({@link LifecycleJson#gcReport}); both parameters are optional ({@code false}
 *       when absent; a dry run is always full) and take exactly {@code true} or {@code false};
 *   <li>{@code POST /_wharf/lifecycle/retention?dryRun=true}: judges by the retention rules in
 *       force and answers the report ({@link LifecycleJson#retentionReport}); {@code dryRun=false}
 *       deletes what no rule retains. {@code dryRun} is required: a retention run deletes
 *       artifacts, so it must never apply because a parameter was left out;
 *   <li>{@code POST /_wharf/lifecycle/run?job=uploads}: runs a job now and answers its run ({@link
 *       LifecycleJson#jobRun}); {@code 500} with the job's failure when it failed. Retention is not
 *       run here (it would apply without a {@code dryRun} said): {@code 400}.
 * </ul>
 *
 * <p>Any other parameter, a parameter given twice or a value other than {@code true}/{@code false}
 * is {@code 400 UNSUPPORTED} and runs nothing, so that a misspelt {@code dryrun=true} can never be
 * read as an apply. A wrong method is {@code 405} with {@code Allow}; an unknown job {@code 404
 * NAME_UNKNOWN}; a job already running {@code 409 DENIED}. A request is answered when its run has
 * ended.
 *
 * <p>Who may call it is chosen once, in the builder, and there is no default:
 *
 * <ul>
 *   <li>{@link Builder#administrators}: the caller authenticates with the registry's {@link
 *       Authenticator} and must be one the predicate calls a system administrator (with oci-auth:
 *       {@code ProjectAuthorizer::isSystemAdministrator}). No credentials: {@code 401} with a
 *       {@code Basic} challenge; credentials refused: {@code 401}; a bearer token limited to scopes
 *       (a token of the token service): {@code 403}, since a token grants only repository scopes; a
 *       named caller who is not an administrator: {@code 403}.
 *   <li>{@link Builder#loopbackOnly}: for a registry without access control. No credentials are
 *       asked; a caller whose address is not a loopback one ({@code 127.0.0.0/8}, {@code ::1}) is
 *       {@code 403}. Behind a reverse proxy on the same machine every client looks local: put
 *       access control on such a registry instead.
 * </ul>
 *
 * Every refusal is a {@link RegistryEvent.Kind#DENIED} event; every run is a {@link
 * RegistryEvent.Kind#LIFECYCLE_RUN} event whose actor is the caller and whose id is the request's.
 */
public final class LifecycleEndpoint implements ServiceHandler {

  /** Where the jobs are listed. */
  public static final String PATH = "/_wharf/lifecycle";

  /** Where a garbage collection is requested. */
  public static final String GC_PATH = PATH + "/gc";

  /** Where a retention run is requested. */
  public static final String RETENTION_PATH = PATH + "/retention";

  /** Where any job is run. */
  public static final String RUN_PATH = PATH + "/run";

  private static final Challenge CHALLENGE = Challenge.basic("wharf");

  private final Lifecycle lifecycle;
  private final @Nullable Authenticator authenticator;
  private final Predicate<Identity> administrator;

  private LifecycleEndpoint(Builder b) {
    this.lifecycle = b.lifecycle;
    this.authenticator = b.authenticator;
    this.administrator = b.administrator;
  }

  /** A builder of the endpoint of {@code lifecycle}; choose who may call it before building. */
  public static Builder builder(Lifecycle lifecycle) {
    return new Builder(lifecycle);
  }

  /**
   * Serves this endpoint on {@code registry} at {@link #PATH}, {@link #GC_PATH}, {@link
   * #RETENTION_PATH}, {@link #RUN_PATH}.
   */
  public Registry.Builder applyTo(Registry.Builder registry) {
    return registry
        .route(PATH, this)
        .route(GC_PATH, this)
        .route(RETENTION_PATH, this)
        .route(RUN_PATH, this);
  }

  @Override
  public RegistryResponse handle(RegistryRequest request, ServiceContext context)
      throws IOException {
    Identity caller;
    try {
      caller = admit(request, context);
    } catch (Denied denied) {
      context.emit(
          RegistryEvent.Kind.DENIED,
          denied.who,
          denied.status,
          List.of(),
          List.of(denied.getMessage()));
      Headers.Builder extra = Headers.builder();
      if (denied.status == 401) {
        extra.set("WWW-Authenticate", CHALLENGE.headerValue());
      }
      return ErrorResponses.of(
          new AccessException(
              denied.status == 401 ? ErrorCode.UNAUTHORIZED : ErrorCode.DENIED,
              denied.getMessage()),
          request.method() == HttpMethod.HEAD,
          extra.build());
    }
    try {
      return answer(request, context, caller);
    } catch (OciException e) {
      return ErrorResponses.of(e, request.method() == HttpMethod.HEAD, allow(e, request));
    }
  }

  private static Headers allow(OciException e, RegistryRequest request) {
    if (e.httpStatus() != 405) {
      return Headers.empty();
    }
    return Headers.builder().set("Allow", request.path().equals(PATH) ? "GET" : "POST").build();
  }

  private RegistryResponse answer(RegistryRequest request, ServiceContext context, Identity caller)
      throws IOException {
    String path = request.path();
    Map<String, List<String>> query = request.query();
    Caller who = new Caller(caller, context.requestId(), request.clientAddress());
    if (path.equals(PATH)) {
      method(request, HttpMethod.GET);
      params(query, Set.of());
      return json(200, LifecycleJson.jobs(lifecycle.jobs()));
    }
    method(request, HttpMethod.POST);
    try {
      if (path.equals(GC_PATH)) {
        params(query, Set.of("dryRun", "full"));
        GcRequest gc = new GcRequest(flag(query, "dryRun"), flag(query, "full"));
        if (!lifecycle.jobNames().contains(Lifecycle.GC)) {
          throw new NotFoundException(
              ErrorCode.NAME_UNKNOWN, "this registry has no garbage collection job");
        }
        return json(200, LifecycleJson.gcReport(lifecycle.collectGarbage(gc, who)));
      }
      if (path.equals(RETENTION_PATH)) {
        params(query, Set.of("dryRun"));
        if (!query.containsKey("dryRun")) {
          throw badRequest(
              "say dryRun=true (report only) or dryRun=false (delete); nothing was run");
        }
        boolean dryRun = flag(query, "dryRun");
        if (!lifecycle.jobNames().contains(Lifecycle.RETENTION)) {
          throw new NotFoundException(
              ErrorCode.NAME_UNKNOWN,
              "this registry has no retention job (it runs with policies configured)");
        }
        return json(200, LifecycleJson.retentionReport(lifecycle.applyRetention(dryRun, who)));
      }
      params(query, Set.of("job"));
      List<String> job = query.getOrDefault("job", List.of());
      if (job.isEmpty() || job.get(0).isEmpty()) {
        throw badRequest("name the job to run: ?job=NAME (jobs: " + jobNames() + ")");
      }
      if (job.get(0).equals(Lifecycle.RETENTION)) {
        throw badRequest(
            "retention runs at "
                + RETENTION_PATH
                + "?dryRun=true or ?dryRun=false; nothing was run");
      }
      if (!lifecycle.jobNames().contains(job.get(0))) {
        throw new NotFoundException(
            ErrorCode.NAME_UNKNOWN,
            "no lifecycle job named '"
                + LifecycleJson.shown(job.get(0))
                + "' (jobs: "
                + jobNames()
                + ")");
      }
      JobRun run = lifecycle.runNow(job.get(0), who);
      return json(run.succeeded() ? 200 : 500, LifecycleJson.jobRun(run));
    } catch (JobBusyException e) {
      throw new AccessException(ErrorCode.DENIED, e.getMessage(), null, 409, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnsupportedOciException(
          ErrorCode.UNAVAILABLE, "the registry is stopping", null, 503, null);
    } catch (IllegalStateException e) {
      throw new UnsupportedOciException(ErrorCode.UNAVAILABLE, e.getMessage(), null, 503, null);
    }
  }

  private String jobNames() {
    return String.join(", ", lifecycle.jobNames());
  }

  private static void method(RegistryRequest request, HttpMethod allowed) {
    if (request.method() != allowed) {
      throw new UnsupportedOciException(
          ErrorCode.UNSUPPORTED,
          request.method() + " is not allowed on " + request.path() + "; use " + allowed,
          null,
          405,
          null);
    }
  }

  /** Refuses any parameter outside {@code known} and any given twice. */
  private static void params(Map<String, List<String>> query, Set<String> known) {
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw badRequest(
            "unknown parameter '"
                + LifecycleJson.shown(e.getKey())
                + "'"
                + (known.isEmpty()
                    ? "; this path takes none"
                    : " (known: " + String.join(", ", known.stream().sorted().toList()) + ")")
                + "; nothing was run");
      }
      if (e.getValue().size() > 1) {
        throw badRequest("parameter '" + e.getKey() + "' is given twice; nothing was run");
      }
    }
  }

  private static boolean flag(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    if (values == null) {
      return false;
    }
    return switch (values.get(0)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw badRequest(
              name
                  + " is true or false, not '"
                  + LifecycleJson.shown(values.get(0))
                  + "'; nothing was run");
    };
  }

  private static UnsupportedOciException badRequest(String message) {
    return new UnsupportedOciException(ErrorCode.UNSUPPORTED, message, null, 400, null);
  }

  private static RegistryResponse json(int status, String json) {
    return RegistryResponse.of(
        status,
        Headers.builder().set("Content-Type", "application/json").build(),
        Bytes.utf8(json));
  }

  /** The caller, if they may use this endpoint. */
  private Identity admit(RegistryRequest request, ServiceContext context)
      throws IOException, Denied {
    Optional<InetSocketAddress> client = request.clientAddress();
    Authenticator auth = authenticator;
    if (auth == null) {
      if (client.isEmpty()
          || client.get().getAddress() == null
          || !client.get().getAddress().isLoopbackAddress()) {
        throw new Denied(
            403,
            Identity.ANONYMOUS,
            "the lifecycle endpoint of a registry without access control answers callers on"
                + " this machine only");
      }
      return Identity.ANONYMOUS;
    }
    RequestContext asked =
        new RequestContext(
            context.requestId(),
            context.time(),
            request.method(),
            Endpoint.API_VERSION,
            Optional.empty(),
            Optional.empty(),
            client,
            Identity.ANONYMOUS,
            List.of(Access.login()));
    Authentication authentication = auth.authenticate(asked, request.headers());
    if (authentication instanceof Authentication.Refused refused) {
      throw new Denied(401, Identity.ANONYMOUS, refused.reason());
    }
    Identity identity = ((Authentication.Authenticated) authentication).identity();
    if (identity.isAnonymous()) {
      throw new Denied(
          401, identity, "the lifecycle endpoint needs the credentials of a system administrator");
    }
    if (identity.grantedAccess().isPresent()) {
      throw new Denied(
          403,
          identity,
          "a bearer token grants only its scopes; call the lifecycle endpoint with the Basic"
              + " credentials of a system administrator");
    }
    if (!administrator.test(identity)) {
      throw new Denied(
          403,
          identity,
          identity + " is not a system administrator; the lifecycle endpoint is theirs only");
    }
    return identity;
  }

  /** A refusal, before anything else is looked at. */
  private static final class Denied extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Identity who;

    Denied(int status, Identity who, String message) {
      super(message, null, false, false);
      this.status = status;
      this.who = who;
    }
  }

  /** Assembles a {@link LifecycleEndpoint}. */
  public static final class Builder {
    private final Lifecycle lifecycle;
    private @Nullable Authenticator authenticator;
    private Predicate<Identity> administrator = identity -> false;
    private boolean chosen;

    private Builder(Lifecycle lifecycle) {
      this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    }

    /**
     * Only callers that {@code authenticator} (the registry's) recognises and that {@code
     * isAdministrator} accepts, without a token's scope limit.
     */
    public Builder administrators(
        Authenticator authenticator, Predicate<Identity> isAdministrator) {
      choose();
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      this.administrator = Objects.requireNonNull(isAdministrator, "isAdministrator");
      return this;
    }

    /**
     * Anyone connecting from a loopback address, without credentials: for a registry without access
     * control, and only when its operator turned the endpoint on.
     */
    public Builder loopbackOnly() {
      choose();
      return this;
    }

    private void choose() {
      if (chosen) {
        throw new IllegalStateException("who may call the endpoint is chosen already");
      }
      chosen = true;
    }

    /**
     * The endpoint.
     *
     * @throws IllegalStateException when neither {@link #administrators} nor {@link #loopbackOnly}
     *     was chosen
     */
    public LifecycleEndpoint build() {
      if (!chosen) {
        throw new IllegalStateException(
            "choose who may call the lifecycle endpoint: administrators(...) or loopbackOnly()");
      }
      return new LifecycleEndpoint(this);
    }
  }
}
