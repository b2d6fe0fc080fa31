package io.wharf.oci.auth;

import io.wharf.oci.server.Access;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Authenticator;
import io.wharf.oci.server.Challenge;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RequestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer token authentication for the registry (the Docker token specification, RFC 6750): a
 * request's {@code Authorization: Bearer <jwt>} is verified with Nimbus against the {@linkplain
 * Builder#trust trusted issuers} (algorithm allow-list ES256, ES384, RS256, RS384, RS512, PS256;
 * the issuer's keys chosen by {@code kid}; {@code aud} equal to the service; {@code exp} and {@code
 * nbf} with a clock skew of 60 s by default, by an injected {@link Clock}), and becomes an {@link
 * Identity}: {@code sub} as the name (anonymous when empty), the {@code groups} claim, attributes
 * {@code kind}, {@code source=token} and, for an external issuer, {@code issuer}, and the {@code
 * access} claim as its {@linkplain Identity#grantedAccess() granted access} ({@code *} expanded),
 * so that the engine refuses anything the token does not grant before it asks the authorizer.
 *
 * <p>A request without credentials, or with another scheme than Bearer (Basic is another
 * authenticator's), is anonymous. A refused token (malformed, expired, not yet valid, for another
 * service, from an untrusted issuer or key, a refresh token, a header over 8 KiB) is {@code 401}
 * with {@code error="invalid_token"} in the challenge. The challenge names the exact scopes the
 * request needs: {@code Bearer realm="<realm>",service="<service>",scope="repository:app:pull"}.
 *
 * <p>Verified tokens are remembered until they expire, under their signature (not the token: see
 * {@code signatureOf}), so that a client sending the same token on every request pays one signature
 * check. Immutable and thread-safe.
 */
public final class TokenAuthenticator implements Authenticator {

  /** The largest {@code Authorization} header read: 8 KiB. */
  public static final int MAX_HEADER_CHARS = 8192;

  private static final String BEARER = "Bearer";

  /** The clock skew allowed on {@code exp}, {@code nbf} and {@code iat} by default: 60 s. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

  /** How many verified tokens are remembered by default. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  private static final Logger log = LoggerFactory.getLogger(TokenAuthenticator.class);

  private final String realm;
  private final String service;
  private final Clock clock;
  private final Duration skew;
  private final int cacheSize;
  private final List<TrustedIssuer> issuers;
  private final TokenVerifier verifier;
  private final ConcurrentHashMap<String, Remembered> cache = new ConcurrentHashMap<>();

  /** A verified token's identity and when it may be used. */
  private record Remembered(Identity identity, Instant notBefore, Instant notAfter) {}

  private TokenAuthenticator(Builder b) {
    this.realm = b.realm;
    this.service = b.service;
    this.clock = b.clock;
    this.skew = b.skew;
    this.cacheSize = b.cacheSize;
    this.issuers = List.copyOf(b.issuers);
    this.verifier = new TokenVerifier(issuers, skew);
  }

  /**
   * A builder for a registry known to clients as {@code service} (the tokens' {@code aud}) whose
   * token service is at {@code realm} (the URL clients fetch tokens from, such as {@code
   * https://registry.example/token}).
   */
  public static Builder builder(String realm, String service) {
    return new Builder(realm, service);
  }

  /** The token service's URL named in challenges. */
  public String realm() {
    return realm;
  }

  /** The service: the audience tokens must be for. */
  public String service() {
    return service;
  }

  /** The trusted issuers. */
  public List<TrustedIssuer> issuers() {
    return issuers;
  }

  @Override
  public Authentication authenticate(RequestContext request, Headers headers) {
    List<String> values = headers.all("Authorization");
    if (values.isEmpty()) {
      return Authentication.anonymous();
    }
    if (values.size() > 1) {
      return refused(request, "more than one Authorization header");
    }
    String value = values.get(0);
    if (value.length() > MAX_HEADER_CHARS) {
      return refused(request, "the Authorization header is larger than 8 KiB");
    }
    int space = value.indexOf(' ');
    int schemeEnd = space < 0 ? value.length() : space;
    if (schemeEnd != BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, schemeEnd)) {
      // Basic or another scheme: another authenticator's business.
      return Authentication.anonymous();
    }
    Instant now = clock.instant();
    // Looked up before the token is copied out of the header: a hit (nearly every request)
    // copies only the signature.
    String key = cacheSize > 0 && space >= 0 ? signatureOf(value, space + 1) : null;
    if (key != null) {
      Remembered remembered = cache.get(key);
      if (remembered != null
          && !now.isBefore(remembered.notBefore())
          && !now.isAfter(remembered.notAfter())) {
        return Authentication.of(remembered.identity());
      }
    }
    String token = space < 0 ? "" : value.substring(space + 1).strip();
    if (!TokenVerifier.isCompactJws(token)) {
      return refused(request, "malformed bearer token");
    }
    Identity identity;
    Instant notBefore;
    Instant notAfter;
    try {
      TokenVerifier.Verified verified = verifier.verify(token, service, now, false);
      identity = TokenVerifier.identity(verified, true);
      notAfter = verified.claims().getExpirationTime().toInstant().plus(skew);
      notBefore =
          verified.claims().getNotBeforeTime() == null
              ? Instant.MIN
              : verified.claims().getNotBeforeTime().toInstant().minus(skew);
    } catch (TokenVerifier.Invalid e) {
      log.debug("request {}: bearer token refused: {}", request.requestId(), e.getMessage());
      return refused(request, "invalid token: " + e.getMessage());
    }
    if (key != null) {
      if (cache.size() >= cacheSize) {
        cache.clear();
      }
      cache.put(key, new Remembered(identity, notBefore, notAfter));
    }
    return Authentication.of(identity);
  }

  private Authentication refused(RequestContext request, String reason) {
    return Authentication.refused(reason, Optional.of(challenge(request, "invalid_token")));
  }

  /**
   * {@code Bearer realm="<realm>",service="<service>",scope="<scopes>"} with the scopes {@code
   * request} needs (actions on one repository joined: {@code repository:app:pull,push}), and {@code
   * error="insufficient_scope"} when the caller's token grants less.
   */
  @Override
  public Optional<Challenge> challenge(RequestContext request) {
    Identity identity = request.identity();
    boolean insufficient = false;
    if (identity.grantedAccess().isPresent()) {
      for (Access access : request.accesses()) {
        insufficient |= !identity.mayAttempt(access);
      }
    }
    return Optional.of(challenge(request, insufficient ? "insufficient_scope" : ""));
  }

  private Challenge challenge(RequestContext request, String error) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("realm", realm);
    parameters.put("service", service);
    String scope = scopes(request.accesses());
    if (!scope.isEmpty()) {
      parameters.put("scope", scope);
    }
    if (!error.isEmpty()) {
      parameters.put("error", error);
    }
    return new Challenge("Bearer", parameters);
  }

  /** The scopes of {@code accesses}, one per resource, space-separated; login has none. */
  static String scopes(List<Access> accesses) {
    return String.join(" ", TokenScope.strings(TokenScope.granting(accesses, Map.of())));
  }

  /**
   * The cache's key: the signature (the last part) of the token in {@code header} from {@code
   * from}, trailing whitespace left out; not the token, which is not kept. A signature cannot be
   * made without the issuer's key, so whoever presents one has seen the token it was made for, and
   * gets only what that token gave: presenting the token itself does as much. Checking it costs
   * nothing more than a map lookup; a SHA-256 of the whole kilobyte token was a noticeable part of
   * a manifest GET.
   */
  private static String signatureOf(String header, int from) {
    int end = header.length();
    while (end > from && Character.isWhitespace(header.charAt(end - 1))) {
      end--;
    }
    return header.substring(Math.max(header.lastIndexOf('.', end - 1) + 1, from), end);
  }

  /** The realm, service and issuers' names; no key. */
  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    issuers.forEach(i -> names.add(i.name()));
    return "TokenAuthenticator[realm="
        + realm
        + ", service="
        + service
        + ", issuers="
        + names
        + "]";
  }

  /** Builds a {@link TokenAuthenticator}; at least one issuer is trusted. */
  public static final class Builder {
    private final String realm;
    private final String service;
    private final List<TrustedIssuer> issuers = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Duration skew = DEFAULT_CLOCK_SKEW;
    private int cacheSize = DEFAULT_CACHE_SIZE;

    private Builder(String realm, String service) {
      this.realm = Objects.requireNonNull(realm, "realm");
      this.service = Objects.requireNonNull(service, "service");
      if (realm.isEmpty() || service.isEmpty()) {
        throw new IllegalArgumentException("a realm and a service are not empty");
      }
      // Checked now rather than on the first challenge.
      Challenge.bearer(realm, service, "");
    }

    /** Accepts tokens of {@code issuer}. */
    public Builder trust(TrustedIssuer issuer) {
      issuers.add(Objects.requireNonNull(issuer, "issuer"));
      return this;
    }

    /** The clock tokens' times are checked against; the system's by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The clock skew allowed on {@code exp}, {@code nbf} and {@code iat}; 60 s by default. */
    public Builder clockSkew(Duration skew) {
      if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("a clock skew is between 0 and 10 minutes");
      }
      this.skew = skew;
      return this;
    }

    /**
     * How many verified tokens to remember (0: none); {@link TokenAuthenticator#DEFAULT_CACHE_SIZE}
     * by default.
     */
    public Builder cacheSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("a cache size is not negative");
      }
      this.cacheSize = size;
      return this;
    }

    /** The authenticator. */
    public TokenAuthenticator build() {
      if (issuers.isEmpty()) {
        throw new IllegalStateException("a token authenticator trusts at least one issuer");
      }
      return new TokenAuthenticator(this);
    }
  }
}
