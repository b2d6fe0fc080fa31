package io.wharf.oci.client.internal;

import io.wharf.oci.model.ref.RegistryHost;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a registry request through the client's concerns, in this order: learn the registry's auth
 * scheme once ({@code GET /v2/}), retries ({@link Retrier}), the {@code Authorization} header (sent
 * only to the registry's own origin), one retry after a 401 whose challenge can be met, and
 * redirects for GET and HEAD (bounded, never downgrading HTTPS to plain HTTP for a host that may
 * not speak it).
 */
public final class Exchanger {

  private static final Logger log = LoggerFactory.getLogger(Exchanger.class);

  /** The most redirects followed for one request. */
  public static final int MAX_REDIRECTS = 5;

  /** The longest {@code Location} accepted. */
  public static final int MAX_LOCATION_LENGTH = 8 * 1024;

  /**
   * One registry request.
   *
   * @param registry the registry
   * @param request the request; its URI is on the registry (redirects may leave it)
   * @param scopes the token scopes it needs
   * @param mode what may be retried
   * @param followRedirects whether 3xx answers are followed (GET and HEAD only)
   */
  public record Call(
      RegistryHost registry,
      HttpRequest request,
      Set<Scope> scopes,
      Retrier.Mode mode,
      boolean followRedirects) {}

  private final HttpTransport transport;
  private final Authenticator auth;
  private final Retrier retrier;
  private final Predicate<URI> plainHttpAllowed;
  private final java.util.function.Function<RegistryHost, URI> bases;
  private final Clock clock;

  /** An exchanger. */
  public Exchanger(
      HttpTransport transport,
      Authenticator auth,
      Retrier retrier,
      Predicate<URI> plainHttpAllowed,
      java.util.function.Function<RegistryHost, URI> bases,
      Clock clock) {
    this.transport = transport;
    this.auth = auth;
    this.retrier = retrier;
    this.plainHttpAllowed = plainHttpAllowed;
    this.bases = bases;
    this.clock = clock;
  }

  /** The base URI of a registry, {@code https://host/v2/} (or {@code http://}). */
  public URI base(RegistryHost host) {
    return bases.apply(host);
  }

  /**
   * {@code GET /v2/}: learns (and returns) the status; 200 and 401 are a registry, anything else
   * becomes a {@link io.wharf.oci.client.RegistryClientException}.
   */
  public int ping(RegistryHost host) throws IOException {
    URI base = base(host);
    HttpResponse r =
        retrier.execute(
            "GET " + Urls.redact(base),
            Retrier.Mode.IDEMPOTENT,
            () -> transport.send(HttpRequest.of("GET", base)));
    int status = r.status();
    if (status == 200) {
      auth.learnOpen(host);
      r.discard();
    } else if (status == 401) {
      if (!auth.learn(host, base, AuthChallenge.parse(r.headers("WWW-Authenticate")))) {
        log.warn("{} answered GET /v2/ with 401 but no usable challenge", host);
        auth.learnOpen(host);
      }
      r.discard();
    } else {
      throw RemoteErrors.toException(r, "GET", "ping " + host, clock);
    }
    return status;
  }

  private record PingKey(RegistryHost host) {}

  /** Runs {@code call}; the caller closes the response and maps unexpected statuses. */
  public HttpResponse execute(Call call) throws IOException {
    if (!auth.isKnown(call.registry())) {
      // One ping per registry, however many threads start at once.
      ReentrantLock lock = auth.lockFor(new PingKey(call.registry()));
      lock.lock();
      try {
        if (!auth.isKnown(call.registry())) {
          ping(call.registry());
        }
      } finally {
        lock.unlock();
      }
    }
    return retrier.execute(call.request().toString(), call.mode(), () -> attempt(call));
  }

  private HttpResponse attempt(Call call) throws IOException {
    Optional<String> authorization = authorization(call.registry(), call.scopes());
    HttpResponse r = follow(call, authorization);
    if (r.status() != 401) {
      return r;
    }
    URI base = base(call.registry());
    if (!Urls.sameOrigin(base, r.uri())) {
      // A redirect target (a CDN, an object store) or a foreign upload location answered 401:
      // its challenge says nothing about the registry, and learning its realm would send the
      // registry's credentials to whoever runs that host.
      return r;
    }
    Optional<Set<Scope>> retryScopes;
    Optional<String> again;
    try {
      retryScopes =
          auth.unauthorized(
              call.registry(),
              base,
              call.scopes(),
              AuthChallenge.parse(r.headers("WWW-Authenticate")),
              authorization);
      if (retryScopes.isEmpty()) {
        return r;
      }
      again = authorization(call.registry(), retryScopes.get());
    } catch (IOException | RuntimeException e) {
      r.discard(); // the 401 is not returned: its pooled connection must be released here
      throw e;
    }
    if (again.isEmpty()
        || again.equals(authorization) && !authorization.orElse("").startsWith("Bearer ")) {
      return r;
    }
    r.discard();
    return follow(call, again);
  }

  /** The token fetch retried on its own: its failures are final here. */
  private Optional<String> authorization(RegistryHost host, Set<Scope> scopes) throws IOException {
    try {
      return auth.authorization(host, scopes);
    } catch (Retrier.FinalIOException e) {
      throw e;
    } catch (IOException e) {
      throw new Retrier.FinalIOException("authentication to " + host + " failed: " + e, e);
    }
  }

  private HttpResponse follow(Call call, Optional<String> authorization) throws IOException {
    URI registryOrigin = base(call.registry());
    HttpRequest request = call.request();
    for (int hops = 0; ; hops++) {
      HttpRequest r = request.withoutHeader("Authorization");
      if (authorization.isPresent() && Urls.sameOrigin(registryOrigin, r.uri())) {
        r = r.withHeader("Authorization", authorization.get());
      }
      HttpResponse response = transport.send(r);
      int status = response.status();
      boolean redirect =
          status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
      if (!redirect || !call.followRedirects()) {
        return response;
      }
      Optional<String> location = response.header("Location");
      if (location.isEmpty()) {
        return response;
      }
      response.discard();
      if (hops >= MAX_REDIRECTS) {
        throw new Retrier.FinalIOException(
            request + ": more than " + MAX_REDIRECTS + " redirects", null);
      }
      URI next = redirectTarget(r.uri(), location.get());
      String method = status == 303 && !request.method().equals("HEAD") ? "GET" : request.method();
      log.debug("{} redirected ({}) to {}", request, status, Urls.redact(next));
      request = request.withUri(method, next);
    }
  }

  private URI redirectTarget(URI from, String location) throws IOException {
    if (location.length() > MAX_LOCATION_LENGTH) {
      throw new Retrier.FinalIOException("redirect Location is too long", null);
    }
    URI next;
    try {
      next = from.resolve(new URI(location.trim()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new Retrier.FinalIOException("redirect Location is not a URI", null);
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || next.getHost() == null) {
      throw new Retrier.FinalIOException(
          "redirect to " + Urls.redact(next) + " is not an http(s) URL", null);
    }
    if (scheme.equals("http") && !plainHttpAllowed.test(next)) {
      throw new Retrier.FinalIOException(
          "redirect to plain HTTP " + Urls.redact(next) + " refused", null);
    }
    return next;
  }

  /** The redirect codes, for callers that map statuses. */
  public static final List<Integer> REDIRECTS = List.of(301, 302, 303, 307, 308);
}
