package io.wharf.oci.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Authorizer;
import io.wharf.oci.server.Challenge;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.ServiceContext;
import io.wharf.oci.server.ServiceHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker token service (distribution's {@code token.md} and {@code oauth.md}), served beside
 * the registry with {@code Registry.builder(storage).route("/token", tokenService)}:
 *
 * <ul>
 *   <li>{@code GET /token?service=S&scope=A&scope=B[&account=U][&client_id=C][&offline_token=true]}
 *       with Basic credentials, or none for anonymous access;
 *   <li>{@code POST /token}, an {@code application/x-www-form-urlencoded} body (at most 64 KiB):
 *       {@code grant_type=password} with {@code username} and {@code password}, or {@code
 *       grant_type=refresh_token} with {@code refresh_token}, which is a refresh token of this
 *       service or an identity token (what {@code docker} keeps as {@code identitytoken} and sends
 *       this way), checked by {@link Logins} under the user name {@value #IDENTITY_TOKEN_USER};
 *       {@code service}, {@code scope} (several separated by spaces), {@code client_id}, {@code
 *       access_type=offline} for a refresh token.
 * </ul>
 *
 * <p>Credentials are checked by {@link Logins}: a failure is {@code 401 UNAUTHORIZED} with {@code
 * WWW-Authenticate: Basic realm=...} and the message "invalid credentials" only; a throttled
 * attempt is {@code 429} with {@code Retry-After}. The token grants the intersection of the scopes
 * asked and what the {@link Authorizer} allows the caller, action by action (a scope with nothing
 * allowed is left out, and the token is still issued). It is a JWT signed by the {@link SigningKey}
 * (ES256 or RS256, with {@code kid}), valid for 5 minutes by default, which CNCF distribution and
 * {@link TokenAuthenticator} accept. The answer is {@code {"token", "access_token", "expires_in",
 * "issued_at", "scope"[, "refresh_token"]}}; refresh tokens are signed JWTs too, bound to the
 * caller and the service, valid for a day by default.
 *
 * <p>Events go to the registry's listeners: {@code LOGIN} when credentials are accepted, {@code
 * DENIED} when they are refused or throttled (with the reason, never the secret), {@code
 * TOKEN_ISSUED} with the scopes granted. Immutable and thread-safe.
 */
public final class TokenService implements ServiceHandler {

  /** The user name identity tokens are checked under, as credential helpers name them. */
  public static final String IDENTITY_TOKEN_USER = "<token>";

  /** The largest form body read: 64 KiB. */
  public static final int MAX_BODY_BYTES = TokenForm.MAX_CHARS;

  /** How long access tokens are valid by default: 5 minutes. */
  public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofMinutes(5);

  /** How long refresh tokens are valid by default: one day. */
  public static final Duration DEFAULT_REFRESH_TOKEN_LIFETIME = Duration.ofDays(1);

  /** The issuer name by default. */
  public static final String DEFAULT_ISSUER = "wharf";

  static final int MAX_NAME_CHARS = 256;
  static final int MAX_SECRET_CHARS = 8192;
  static final String INVALID_CREDENTIALS = "invalid credentials";

  private static final Logger log = LoggerFactory.getLogger(TokenService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SigningKey key;
  private final Logins logins;
  private final Authorizer authorizer;
  private final String service;
  private final String issuer;
  private final String realm;
  private final Duration tokenLifetime;
  private final Duration refreshTokenLifetime;
  private final TokenSigner signer;
  private final TokenVerifier refreshVerifier;

  private TokenService(Builder b) {
    this.key = b.key;
    this.logins = b.logins;
    this.authorizer = b.authorizer;
    this.service = b.service;
    this.issuer = b.issuer;
    this.realm = b.realm;
    this.tokenLifetime = b.tokenLifetime;
    this.refreshTokenLifetime = b.refreshTokenLifetime;
    this.signer = new TokenSigner(key, issuer);
    this.refreshVerifier = new TokenVerifier(List.of(trustedIssuer()), Duration.ofSeconds(60));
  }

  /**
   * A builder for the token service of the registry known to clients as {@code service} (the {@code
   * aud} of its tokens), signing with {@code key}, checking credentials with {@code logins} and
   * granting what {@code authorizer} allows.
   */
  public static Builder builder(
      String service, SigningKey key, Logins logins, Authorizer authorizer) {
    return new Builder(service, key, logins, authorizer);
  }

  /** The service: the audience of the tokens. */
  public String service() {
    return service;
  }

  /** The issuer name: the {@code iss} of the tokens. */
  public String issuer() {
    return issuer;
  }

  /** The signing key. */
  public SigningKey signingKey() {
    return key;
  }

  /** This service as an issuer a {@link TokenAuthenticator} trusts. */
  public TrustedIssuer trustedIssuer() {
    return TrustedIssuer.of(issuer, key);
  }

  /** An answer decided before a token is issued: an error or a refusal. */
  private static final class Answer extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient RegistryResponse response;

    Answer(RegistryResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }

  /** A caller and whether a refresh token was asked for, with the one it came with. */
  private record Caller(Identity identity, boolean offline, Optional<String> refreshToken) {}

  @Override
  public RegistryResponse handle(RegistryRequest request, ServiceContext context)
      throws IOException {
    try {
      TokenForm form = form(request);
      Optional<String> asked = form.single("service", MAX_NAME_CHARS);
      if (asked.isPresent() && !asked.get().equals(service)) {
        throw badRequest("unknown service");
      }
      form.single("client_id", MAX_NAME_CHARS)
          .ifPresent(c -> log.debug("request {}: client_id {}", context.requestId(), c));
      List<TokenScope> scopes;
      try {
        scopes = TokenScope.parseAll(form.all("scope"));
      } catch (TokenScope.TooLarge e) {
        throw badRequest(e.getMessage());
      }
      Caller caller =
          request.method() == HttpMethod.GET
              ? basicCaller(request, context, form)
              : grantCaller(request, context, form);
      Optional<String> account = form.single("account", MAX_NAME_CHARS);
      if (account.isPresent()
          && !account.get().isEmpty()
          && caller.identity().name().isPresent()
          && !account.get().equals(caller.identity().name().get())) {
        throw badRequest("account does not match the credentials");
      }
      return issue(caller, scopes, context);
    } catch (Answer answer) {
      return answer.response;
    } catch (TokenForm.Malformed e) {
      return error(400, "UNSUPPORTED", e.getMessage(), Headers.builder());
    }
  }

  private TokenForm form(RegistryRequest request) throws Answer, IOException, TokenForm.Malformed {
    if (request.method() == HttpMethod.GET) {
      return TokenForm.parse(request.rawQuery());
    }
    if (request.method() != HttpMethod.POST) {
      throw new Answer(
          error(
              405, "UNSUPPORTED", "use GET or POST", Headers.builder().set("Allow", "GET, POST")));
    }
    String type = request.headers().first("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      throw badRequest("a POST body is application/x-www-form-urlencoded");
    }
    Bytes body;
    try {
      body = Bytes.readAtMost(request.body(), MAX_BODY_BYTES);
    } catch (Bytes.TooLargeException e) {
      throw new Answer(
          error(413, "UNSUPPORTED", "the body is larger than 64 KiB", Headers.builder()));
    }
    return TokenForm.parse(new String(body.toByteArray(), StandardCharsets.UTF_8));
  }

  /** GET: Basic credentials, or anonymous. */
  private Caller basicCaller(RegistryRequest request, ServiceContext context, TokenForm form)
      throws Answer, IOException, TokenForm.Malformed {
    boolean offline = form.single("offline_token", 8).map("true"::equals).orElse(false);
    List<String> headers = request.headers().all("Authorization");
    if (headers.isEmpty()) {
      return new Caller(Identity.ANONYMOUS, false, Optional.empty());
    }
    if (headers.size() > 1) {
      throw refused(context, Identity.ANONYMOUS, "malformed Authorization header");
    }
    BasicCredentials.Parsed parsed = BasicCredentials.parse(Optional.of(headers.get(0)));
    if (!(parsed instanceof BasicCredentials.Present present)) {
      throw refused(
          context,
          Identity.ANONYMOUS,
          parsed instanceof BasicCredentials.Malformed m
              ? m.reason()
              : "malformed Authorization header");
    }
    Identity identity =
        login(request, context, present.credentials().username(), present.credentials().secret());
    return new Caller(identity, offline, Optional.empty());
  }

  /** POST: the OAuth 2 password and refresh token grants. */
  private Caller grantCaller(RegistryRequest request, ServiceContext context, TokenForm form)
      throws Answer, IOException, TokenForm.Malformed {
    boolean offline = form.single("access_type", 16).map("offline"::equals).orElse(false);
    String grant = form.single("grant_type", 64).orElseThrow(() -> badRequest("no grant_type"));
    switch (grant) {
      case "password" -> {
        String username = form.single("username", MAX_SECRET_CHARS).orElse("");
        String password = form.single("password", MAX_SECRET_CHARS).orElse("");
        if (username.isEmpty()) {
          throw badRequest("the password grant needs a username");
        }
        return new Caller(login(request, context, username, password), offline, Optional.empty());
      }
      case "refresh_token" -> {
        String token =
            form.single("refresh_token", MAX_SECRET_CHARS)
                .filter(t -> !t.isEmpty())
                .orElseThrow(() -> badRequest("the refresh_token grant needs a refresh_token"));
        if (TokenVerifier.unverifiedIssuer(token).filter(issuer::equals).isPresent()) {
          return new Caller(refreshed(context, token), offline, Optional.of(token));
        }
        // Not one of ours: an identity token of another system, for the verifiers to check.
        Identity identity = login(request, context, IDENTITY_TOKEN_USER, token);
        return new Caller(identity, offline, Optional.empty());
      }
      default -> throw badRequest("unsupported grant_type");
    }
  }

  private Identity refreshed(ServiceContext context, String token) throws Answer {
    try {
      TokenVerifier.Verified verified =
          refreshVerifier.verify(token, service, context.time(), true);
      Identity identity = TokenVerifier.identity(verified, false);
      if (identity.isAnonymous()) {
        throw new TokenVerifier.Invalid("a refresh token names its subject");
      }
      return identity;
    } catch (TokenVerifier.Invalid e) {
      throw refused(context, Identity.ANONYMOUS, "refresh token refused: " + e.getMessage());
    }
  }

  private Identity login(
      RegistryRequest request, ServiceContext context, String username, String secret)
      throws Answer, IOException {
    if (!validName(username) || secret.length() > MAX_SECRET_CHARS) {
      throw refused(context, Identity.ANONYMOUS, "malformed user name or secret");
    }
    Identity attempted = Identity.named(username);
    LoginResult result = logins.login(username, secret, request.clientAddress());
    if (result instanceof LoginResult.Success success) {
      context.emit(RegistryEvent.Kind.LOGIN, success.identity(), 200, List.of(), List.of());
      return success.identity();
    }
    if (result instanceof LoginResult.Throttled throttled) {
      long seconds = Math.max(1, (throttled.retryAfter().toMillis() + 999) / 1000);
      context.emit(
          RegistryEvent.Kind.DENIED,
          attempted,
          429,
          List.of(),
          List.of("too many failed logins; retry after " + seconds + " s"));
      throw new Answer(
          error(
              429,
              "TOOMANYREQUESTS",
              "too many failed logins",
              Headers.builder().set("Retry-After", Long.toString(seconds))));
    }
    throw refused(context, attempted, ((LoginResult.Failure) result).reason());
  }

  /**
   * A token for a service the registry itself sends somewhere, such as a scanner adapter that must
   * pull the image it scans: it grants exactly {@code accesses} (no login, no role: the registry
   * vouches for it), for this service's token lifetime, to holder {@code name} of kind {@code
   * service}, whose access is what the token grants and nothing else. Hand it only to the service
   * it is made for; never log it.
   *
   * @param name who holds it, for logs and audit ({@code wharf-scanner})
   * @param accesses what it grants (repository pulls, say); not empty
   * @param now when it is issued (it expires a token lifetime later)
   */
  public String serviceToken(String name, Set<Access> accesses, Instant now) {
    if (!Identities.isBounded(name, 64) || accesses.isEmpty()) {
      throw new IllegalArgumentException(
          "a service token has a short holder name and grants something");
    }
    Identity service =
        new Identity(
            Optional.of(name),
            Set.of(),
            Map.of("kind", TokenSigner.SERVICE, "source", "registry"),
            Optional.empty());
    List<TokenScope> scopes = TokenScope.granting(List.copyOf(accesses), Map.of());
    return signer.access(service, this.service, scopes, now, tokenLifetime);
  }

  private RegistryResponse issue(Caller caller, List<TokenScope> asked, ServiceContext context)
      throws IOException {
    Identity identity = caller.identity();
    Set<Access> granted = new LinkedHashSet<>();
    Map<RepositoryName, Optional<String>> classes = new HashMap<>();
    for (TokenScope scope : asked) {
      for (Access access : scope.accesses()) {
        if (!granted.contains(access)
            && identity.mayAttempt(access)
            && authorizer.authorize(identity, access).allowed()) {
          granted.add(access);
          if (scope.resourceClass().isPresent()) {
            access.repository().ifPresent(r -> classes.put(r, scope.resourceClass()));
          }
        }
      }
    }
    List<TokenScope> scopes = TokenScope.granting(List.copyOf(granted), classes);
    Instant now = context.time();
    String token = signer.access(identity, service, scopes, now, tokenLifetime);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("access_token", token);
    body.put("expires_in", tokenLifetime.toSeconds());
    body.put("issued_at", now.truncatedTo(ChronoUnit.SECONDS).toString());
    List<String> granting = TokenScope.strings(scopes);
    body.put("scope", String.join(" ", granting));
    if (caller.offline() && !identity.isAnonymous()) {
      body.put(
          "refresh_token",
          caller
              .refreshToken()
              .orElseGet(() -> signer.refresh(identity, service, now, refreshTokenLifetime)));
    }
    context.emit(RegistryEvent.Kind.TOKEN_ISSUED, identity, 200, granting, List.of());
    return json(200, body, Headers.builder());
  }

  private Answer refused(ServiceContext context, Identity actor, String reason) {
    context.emit(RegistryEvent.Kind.DENIED, actor, 401, List.of(), List.of(reason));
    return new Answer(
        error(
            401,
            "UNAUTHORIZED",
            INVALID_CREDENTIALS,
            Headers.builder().set("WWW-Authenticate", Challenge.basic(realm).headerValue())));
  }

  private static Answer badRequest(String message) {
    return new Answer(error(400, "UNSUPPORTED", message, Headers.builder()));
  }

  private static RegistryResponse error(
      int status, String code, String message, Headers.Builder headers) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("code", code);
    entry.put("message", message);
    return json(status, Map.of("errors", List.of(entry)), headers);
  }

  private static RegistryResponse json(int status, Object body, Headers.Builder headers) {
    try {
      return RegistryResponse.of(
          status,
          headers
              .set("Content-Type", "application/json")
              .set("Cache-Control", "no-store")
              .set("Pragma", "no-cache")
              .build(),
          Bytes.of(JSON.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a token response", e);
    }
  }

  private static boolean validName(String name) {
    return Identities.isBounded(name, MAX_NAME_CHARS);
  }

  /** The service, issuer and signing key's ID; no secret. */
  @Override
  public String toString() {
    return "TokenService[service=" + service + ", issuer=" + issuer + ", " + key + "]";
  }

  /** Builds a {@link TokenService}. */
  public static final class Builder {
    private final String service;
    private final SigningKey key;
    private final Logins logins;
    private final Authorizer authorizer;
    private String issuer = DEFAULT_ISSUER;
    private String realm = "wharf";
    private Duration tokenLifetime = DEFAULT_TOKEN_LIFETIME;
    private Duration refreshTokenLifetime = DEFAULT_REFRESH_TOKEN_LIFETIME;

    private Builder(String service, SigningKey key, Logins logins, Authorizer authorizer) {
      this.service = Objects.requireNonNull(service, "service");
      if (!validName(service)) {
        throw new IllegalArgumentException("a service name has 1 to 256 printable characters");
      }
      this.key = Objects.requireNonNull(key, "key");
      this.logins = Objects.requireNonNull(logins, "logins");
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    }

    /**
     * The issuer name, the tokens' {@code iss}; {@value TokenService#DEFAULT_ISSUER} by default.
     */
    public Builder issuer(String issuer) {
      if (!validName(issuer)) {
        throw new IllegalArgumentException("an issuer name has 1 to 256 printable characters");
      }
      this.issuer = issuer;
      return this;
    }

    /** The realm of the Basic challenge sent with a refused login; {@code wharf} by default. */
    public Builder realm(String realm) {
      Challenge.basic(realm);
      this.realm = realm;
      return this;
    }

    /**
     * How long access tokens are valid: 60 s to one hour (the specification asks for at least 60
     * s); 5 minutes by default.
     */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime =
          between(lifetime, Duration.ofSeconds(60), Duration.ofHours(1), "an access token");
      return this;
    }

    /** How long refresh tokens are valid: 5 minutes to 90 days; one day by default. */
    public Builder refreshTokenLifetime(Duration lifetime) {
      this.refreshTokenLifetime =
          between(lifetime, Duration.ofMinutes(5), Duration.ofDays(90), "a refresh token");
      return this;
    }

    /** The token service. */
    public TokenService build() {
      return new TokenService(this);
    }

    private static Duration between(Duration d, Duration min, Duration max, String what) {
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(what + " lives " + min + " to " + max);
      }
      return d;
    }
  }
}
