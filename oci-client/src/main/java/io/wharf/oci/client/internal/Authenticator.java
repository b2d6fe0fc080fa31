package io.wharf.oci.client.internal;

import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.model.ref.RegistryHost;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth state of every registry the client talks to: what each one asked for (nothing, Basic, or
 * a Bearer token from a realm), the credential for it, and the tokens fetched, cached per registry
 * and set of scopes until shortly before they expire. Thread-safe.
 */
public final class Authenticator {

  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  private static final int MAX_CACHED_TOKENS = 1024;

  /** What a registry asked for. */
  public sealed interface HostAuth {}

  /** Nothing: {@code GET /v2/} answered 200 without credentials. */
  public record NoAuth() implements HostAuth {}

  /** HTTP Basic. */
  public record BasicAuth() implements HostAuth {}

  /**
   * A token from {@code realm}.
   *
   * @param realm the token server
   * @param service the service parameter
   */
  public record BearerAuth(URI realm, Optional<String> service) implements HostAuth {}

  private record TokenKey(RegistryHost host, URI realm, String service, String scopes) {}

  private record RefreshKey(RegistryHost host, URI realm, String service) {}

  private record CachedToken(String token, Instant refreshAfter) {}

  private final CredentialProvider credentials;
  private final TokenClient tokens;
  private final Clock clock;
  private final ConcurrentHashMap<RegistryHost, HostAuth> hosts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<RegistryHost, Credential> credentialCache =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TokenKey, CachedToken> tokenCache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<RefreshKey, String> refreshTokens = new ConcurrentHashMap<>();
  // Single flight: threads that need the same credential, token or first ping wait for the one
  // that fetches it (a copy's parallel transfers start together). Striped, so the locks are
  // bounded; two keys on one stripe only wait for each other.
  private final ReentrantLock[] stripes = new ReentrantLock[32];

  {
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /**
   * The lock of {@code key}'s stripe: holders of equal keys run one at a time, so the second finds
   * what the first fetched.
   */
  public ReentrantLock lockFor(Object key) {
    return stripes[Math.floorMod(key.hashCode(), stripes.length)];
  }

  /** An authenticator. */
  public Authenticator(CredentialProvider credentials, TokenClient tokens, Clock clock) {
    this.credentials = credentials;
    this.tokens = tokens;
    this.clock = clock;
  }

  /** Whether the registry's auth scheme is known (it was pinged). */
  public boolean isKnown(RegistryHost host) {
    return hosts.containsKey(host);
  }

  /** What the registry asked for, when known. */
  public Optional<HostAuth> hostAuth(RegistryHost host) {
    return Optional.ofNullable(hosts.get(host));
  }

  /** Records that {@code GET /v2/} answered 200 without credentials. */
  public void learnOpen(RegistryHost host) {
    hosts.put(host, new NoAuth());
  }

  /**
   * Records what the challenges of a 401 ask for: Bearer (with a realm) wins over Basic.
   *
   * @return whether something usable was found
   */
  public boolean learn(RegistryHost host, URI registryBase, List<AuthChallenge> challenges) {
    Optional<AuthChallenge> bearer = AuthChallenge.find(challenges, "bearer");
    if (bearer.isPresent() && bearer.get().param("realm").isPresent()) {
      try {
        URI realm = registryBase.resolve(new URI(bearer.get().param("realm").get()));
        hosts.put(host, new BearerAuth(realm, bearer.get().param("service")));
        return true;
      } catch (URISyntaxException | IllegalArgumentException e) {
        log.warn("{} sent a Bearer challenge whose realm is not a URI", host);
      }
    }
    if (AuthChallenge.find(challenges, "basic").isPresent()) {
      hosts.put(host, new BasicAuth());
      return true;
    }
    return false;
  }

  /**
   * The {@code Authorization} value for a request to {@code host} needing {@code scopes}; empty
   * when the registry asked for nothing or there is no usable credential. May fetch a token.
   */
  public Optional<String> authorization(RegistryHost host, Set<Scope> scopes) throws IOException {
    HostAuth auth = hosts.get(host);
    if (auth == null || auth instanceof NoAuth) {
      return Optional.empty();
    }
    Credential credential = credential(host);
    if (credential instanceof Credential.RegistryToken t) {
      return Optional.of("Bearer " + t.token());
    }
    if (auth instanceof BasicAuth) {
      return credential instanceof Credential.Basic b
          ? Optional.of(TokenClient.basic(b))
          : Optional.empty();
    }
    BearerAuth bearer = (BearerAuth) auth;
    return Optional.of("Bearer " + token(host, bearer, scopes, credential));
  }

  /**
   * Learns from a 401 to a request that sent {@code sent}. Returns the scopes to retry with once
   * (the request's plus those the challenge names), or empty when a retry would not help.
   */
  public Optional<Set<Scope>> unauthorized(
      RegistryHost host,
      URI registryBase,
      Set<Scope> scopes,
      List<AuthChallenge> challenges,
      Optional<String> sent) {
    HostAuth before = hosts.get(host);
    if (!learn(host, registryBase, challenges)) {
      return Optional.empty();
    }
    HostAuth now = hosts.get(host);
    if (now instanceof BearerAuth bearer) {
      Set<Scope> wanted = new HashSet<>(scopes);
      AuthChallenge.find(challenges, "bearer")
          .flatMap(c -> c.param("scope"))
          .ifPresent(s -> wanted.addAll(Scope.parseAll(s)));
      Set<Scope> merged = Scope.merge(wanted);
      // A cached token may have been revoked or may lack a scope: never reuse it for this retry.
      tokenCache.remove(key(host, bearer, Scope.merge(scopes)));
      tokenCache.remove(key(host, bearer, merged));
      boolean changed = !now.equals(before) || !merged.equals(Scope.merge(scopes));
      boolean sentToken = sent.isPresent() && sent.get().startsWith("Bearer ");
      return changed || sentToken || sent.isEmpty() ? Optional.of(merged) : Optional.empty();
    }
    // Basic: only a change of scheme, with a credential we did not send, can help.
    return sent.isEmpty() && !now.equals(before) ? Optional.of(scopes) : Optional.empty();
  }

  private Credential credential(RegistryHost host) throws IOException {
    Credential c = credentialCache.get(host);
    if (c != null) {
      return c;
    }
    // A credential helper is a process per call (and may prompt): run it once per host.
    ReentrantLock lock = lockFor(new CredentialKey(host));
    lock.lock();
    try {
      c = credentialCache.get(host);
      if (c == null) {
        c = credentials.credentialFor(host);
        credentialCache.put(host, c);
        log.debug("credential for {}: {}", host, c);
      }
      return c;
    } finally {
      lock.unlock();
    }
  }

  private record CredentialKey(RegistryHost host) {}

  private String token(RegistryHost host, BearerAuth bearer, Set<Scope> scopes, Credential c)
      throws IOException {
    Set<Scope> merged = Scope.merge(scopes);
    TokenKey key = key(host, bearer, merged);
    CachedToken cached = tokenCache.get(key);
    if (cached != null && clock.instant().isBefore(cached.refreshAfter())) {
      return cached.token();
    }
    ReentrantLock lock = lockFor(key);
    lock.lock();
    try {
      return fetchToken(host, bearer, merged, key, c);
    } finally {
      lock.unlock();
    }
  }

  private String fetchToken(
      RegistryHost host, BearerAuth bearer, Set<Scope> merged, TokenKey key, Credential c)
      throws IOException {
    Instant now = clock.instant();
    CachedToken cached = tokenCache.get(key);
    if (cached != null && now.isBefore(cached.refreshAfter())) {
      return cached.token(); // fetched by the thread this one waited for
    }
    RefreshKey refreshKey = new RefreshKey(host, bearer.realm(), bearer.service().orElse(""));
    Optional<String> refresh = Optional.ofNullable(refreshTokens.get(refreshKey));
    TokenResponse response;
    try {
      response = tokens.fetch(bearer.realm(), bearer.service(), merged, c, refresh);
    } catch (io.wharf.oci.client.RegistryClientException e) {
      // A refresh token the server handed out may have been revoked or have expired: forget it
      // and ask again with the credential itself, when there is one.
      if (refresh.isEmpty()
          || !(c instanceof Credential.Basic)
          || e.status() != 400 && e.status() != 401) {
        throw e;
      }
      log.debug(
          "token server refused the refresh token for {} ({}); using the password",
          host,
          e.status());
      refreshTokens.remove(refreshKey, refresh.get());
      response = tokens.fetch(bearer.realm(), bearer.service(), merged, c, Optional.empty());
    }
    response.refreshToken().ifPresent(r -> refreshTokens.put(refreshKey, r));
    Instant expiresAt = response.expiresAt(now);
    Duration life = Duration.between(now, expiresAt);
    Duration margin = life.dividedBy(10);
    if (margin.compareTo(Duration.ofSeconds(30)) > 0) {
      margin = Duration.ofSeconds(30);
    }
    if (tokenCache.size() >= MAX_CACHED_TOKENS) {
      tokenCache.values().removeIf(t -> !now.isBefore(t.refreshAfter()));
      if (tokenCache.size() >= MAX_CACHED_TOKENS) {
        tokenCache.clear();
      }
    }
    tokenCache.put(key, new CachedToken(response.token(), expiresAt.minus(margin)));
    log.debug("token for {} scopes {} valid for {} s", host, merged, life.toSeconds());
    return response.token();
  }

  private static TokenKey key(RegistryHost host, BearerAuth bearer, Set<Scope> scopes) {
    return new TokenKey(
        host,
        bearer.realm(),
        bearer.service().orElse(""),
        scopes.stream().map(Scope::toString).sorted().collect(Collectors.joining(" ")));
  }
}
