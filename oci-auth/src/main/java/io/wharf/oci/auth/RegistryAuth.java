package io.wharf.oci.auth;

import io.wharf.oci.server.Access;
import io.wharf.oci.server.Action;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Authenticator;
import io.wharf.oci.server.Authorizer;
import io.wharf.oci.server.Challenge;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RequestContext;
import io.wharf.oci.storage.access.AccessStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Access control for a registry, assembled in one place: who may log in ({@link PasswordVerifier}s
 * behind a throttled, cached {@link LoginService}), how clients authenticate (the Docker token
 * service at {@code /token}, or Basic credentials on every request), what each identity may do
 * ({@link ProjectAuthorizer}: Harbor's projects and roles over the store's {@link AccessStore}),
 * which external token issuers and OIDC issuer are trusted, and the audit log.
 *
 * <pre>{@code
 * AccessStore store = storage.metadata().access();
 * RegistryAuth auth = RegistryAuth.builder(store)
 *     .verifier(Htpasswd.open(Path.of("users.htpasswd")))
 *     .tokens(SigningKey.loadOrCreate(dataFolder), "registry.example", "https://registry.example/token")
 *     .systemAdmins(Set.of("alice"))
 *     .build();
 * Registry registry = auth.applyTo(Registry.builder(storage)).build();
 * }</pre>
 *
 * <p>How a request is authenticated: {@code Authorization: Bearer} is checked as a token of Wharf's
 * own service or of a {@linkplain Builder#trust trusted issuer}, then, if that refuses it, as an
 * {@linkplain Builder#oidc OIDC} token; {@code Authorization: Basic} is checked by the login
 * service (in both modes: {@code curl -u} works against a token-mode registry too); nothing is
 * anonymous. The challenge for a request the anonymous caller may not make is the token service's
 * ({@code Bearer realm=...,service=...,scope=...}) in token mode, {@code Basic} otherwise.
 *
 * <p>How it is authorised: {@code GET /v2/} without credentials is answered with the challenge
 * (clients learn how to authenticate from that answer only; an anonymous token, which the token
 * service gives anyone, lets them in to pull from public projects); then by the {@link
 * ProjectAuthorizer}, except that a token of a trusted <em>external</em> issuer is its own
 * authority: whatever its {@code access} claim grants is allowed (the engine refuses anything
 * outside it), as distribution does with tokens.
 */
public final class RegistryAuth {

  /** How clients authenticate with the registry. */
  public enum Mode {
    /** The Docker token service: clients log in at the token endpoint and send bearer tokens. */
    TOKEN,
    /** Basic credentials on every request, checked by the login service (and cached). */
    BASIC
  }

  /** Where {@link #applyTo} serves the token service. */
  public static final String TOKEN_PATH = "/token";

  private final LoginService logins;
  private final ProjectAuthorizer projects;
  private final RobotAccounts robots;
  private final @Nullable TokenService tokens;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final @Nullable AuditLog audit;

  private RegistryAuth(Builder b) {
    this.projects =
        ProjectAuthorizer.builder(b.store)
            .clock(b.clock)
            .systemAdmins(b.adminUsers)
            .systemAdminGroups(b.adminGroups)
            .build();
    this.robots = new RobotAccounts(b.store, b.clock, projects::invalidate);
    LoginService.Builder login = LoginService.builder().clock(b.clock);
    for (PasswordVerifier v : b.verifiers) {
      login.verifier(v);
    }
    login.verifier(robots);
    this.logins = login.build();
    this.audit = b.audit;
    TokenAuthenticator tokenAuthenticator = null;
    if (b.mode == Mode.TOKEN || !b.trusted.isEmpty()) {
      TokenAuthenticator.Builder ta =
          TokenAuthenticator.builder(
                  b.realm == null ? "wharf" : b.realm, b.service == null ? "wharf" : b.service)
              .clock(b.clock);
      for (TrustedIssuer t : b.trusted) {
        ta.trust(t);
      }
      if (b.mode == Mode.TOKEN) {
        this.tokens =
            TokenService.builder(Objects.requireNonNull(b.service), b.signingKey, logins, projects)
                .issuer(b.issuer)
                .tokenLifetime(b.tokenLifetime)
                .build();
        ta.trust(tokens.trustedIssuer());
      } else {
        this.tokens = null;
      }
      tokenAuthenticator = ta.build();
    } else {
      this.tokens = null;
    }
    Set<String> external = new LinkedHashSet<>();
    for (TrustedIssuer t : b.trusted) {
      external.add(t.name());
    }
    BasicAuthenticator basic = new BasicAuthenticator(logins, b.basicRealm);
    this.authenticator = new Composite(b.mode, basic, tokenAuthenticator, b.oidc);
    this.authorizer = new ExternalTokens(projects, Set.copyOf(external));
  }

  /** A builder over {@code store}, where projects, members and robot accounts are kept. */
  public static Builder builder(AccessStore store) {
    return new Builder(store);
  }

  /**
   * Puts this access control on {@code registry}: its authenticator and authorizer, the token
   * service at {@link #TOKEN_PATH} (in token mode) and the audit log as a listener.
   */
  public Registry.Builder applyTo(Registry.Builder registry) {
    registry.authenticator(authenticator).authorizer(authorizer);
    if (tokens != null) {
      registry.route(TOKEN_PATH, tokens);
    }
    if (audit != null) {
      registry.addListener(audit);
    }
    return registry;
  }

  /** The registry's authenticator. */
  public Authenticator authenticator() {
    return authenticator;
  }

  /** The registry's authorizer. */
  public Authorizer authorizer() {
    return authorizer;
  }

  /** The token service, in token mode. */
  public Optional<TokenService> tokenService() {
    return Optional.ofNullable(tokens);
  }

  /** The login service (password checks, throttling, the cache of successful checks). */
  public LoginService logins() {
    return logins;
  }

  /** Projects, members and roles, whose changes the authorizer sees at the next request. */
  public Projects projects() {
    return projects.projects();
  }

  /**
   * Robot accounts. A change takes effect for logins at once (the login cache does not hide a
   * disabled or expired robot) and for tokens issued before within the authorizer's refresh
   * interval (at once on this node: the change invalidates its snapshot).
   */
  public RobotAccounts robots() {
    return robots;
  }

  /** The project authorizer itself. */
  public ProjectAuthorizer projectAuthorizer() {
    return projects;
  }

  /** Assembles a {@link RegistryAuth}. */
  public static final class Builder {
    private final AccessStore store;
    private final List<PasswordVerifier> verifiers = new ArrayList<>();
    private final List<TrustedIssuer> trusted = new ArrayList<>();
    private final Set<String> adminUsers = new LinkedHashSet<>();
    private final Set<String> adminGroups = new LinkedHashSet<>();
    private Mode mode = Mode.BASIC;
    private @Nullable SigningKey signingKey;
    private @Nullable String service;
    private @Nullable String realm;
    private String issuer = TokenService.DEFAULT_ISSUER;
    private Duration tokenLifetime = TokenService.DEFAULT_TOKEN_LIFETIME;
    private String basicRealm = "wharf";
    private @Nullable OidcIssuer oidc;
    private @Nullable AuditLog audit;
    private Clock clock = Clock.systemUTC();

    private Builder(AccessStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Adds a source of identities, asked after the ones added before (robot accounts of the store
     * are always asked last).
     */
    public Builder verifier(PasswordVerifier verifier) {
      verifiers.add(Objects.requireNonNull(verifier, "verifier"));
      return this;
    }

    /**
     * Turns on the Docker token service: tokens signed with {@code key} for the registry known to
     * clients as {@code service}, fetched at {@code realm} (the URL of {@link #TOKEN_PATH} as
     * clients reach it). Without this call, clients send Basic credentials on every request.
     */
    public Builder tokens(SigningKey key, String service, String realm) {
      this.signingKey = Objects.requireNonNull(key, "key");
      this.service = Objects.requireNonNull(service, "service");
      this.realm = Objects.requireNonNull(realm, "realm");
      this.mode = Mode.TOKEN;
      return this;
    }

    /** The issuer name in Wharf's tokens (default {@value TokenService#DEFAULT_ISSUER}). */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** How long Wharf's tokens are valid (default 5 minutes; 60 s to one hour). */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * Accepts the tokens of an external token service: what their {@code access} claim grants is
     * allowed. The service name they must be for is {@code service} of {@link #tokens}, or {@code
     * service} given here for a registry in Basic mode.
     */
    public Builder trust(TrustedIssuer issuer) {
      trusted.add(Objects.requireNonNull(issuer, "issuer"));
      return this;
    }

    /** The service name external tokens must be for, when the token service is off (Basic mode). */
    public Builder service(String service) {
      this.service = Objects.requireNonNull(service, "service");
      return this;
    }

    /** Accepts OIDC tokens of {@code issuer} as bearer tokens on the registry. */
    public Builder oidc(OidcIssuer issuer) {
      this.oidc = Objects.requireNonNull(issuer, "issuer");
      return verifier(issuer);
    }

    /** System administrators, by user name. */
    public Builder systemAdmins(Set<String> users) {
      adminUsers.addAll(users);
      return this;
    }

    /** System administrators, by group. */
    public Builder systemAdminGroups(Set<String> groups) {
      adminGroups.addAll(groups);
      return this;
    }

    /** The realm of the Basic challenge (default {@code wharf}). */
    public Builder basicRealm(String realm) {
      Challenge.basic(realm);
      this.basicRealm = realm;
      return this;
    }

    /** Writes every event to {@code audit}. */
    public Builder auditLog(AuditLog audit) {
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /** The clock of logins, tokens and robot expiry (default system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The access control.
     *
     * @throws IllegalStateException without any identity source or trusted issuer
     */
    public RegistryAuth build() {
      if (verifiers.isEmpty() && trusted.isEmpty()) {
        throw new IllegalStateException(
            "access control needs a source of identities (htpasswd, users, LDAP, OIDC) or a"
                + " trusted token issuer");
      }
      return new RegistryAuth(this);
    }
  }

  /** Bearer (Wharf's, trusted issuers', then OIDC), Basic, or anonymous. */
  private static final class Composite implements Authenticator {
    private final Mode mode;
    private final BasicAuthenticator basic;
    private final @Nullable TokenAuthenticator tokens;
    private final @Nullable OidcIssuer oidc;

    Composite(
        Mode mode,
        BasicAuthenticator basic,
        @Nullable TokenAuthenticator tokens,
        @Nullable OidcIssuer oidc) {
      this.mode = mode;
      this.basic = basic;
      this.tokens = tokens;
      this.oidc = oidc;
    }

    @Override
    public Authentication authenticate(RequestContext request, Headers headers) throws IOException {
      Optional<String> header = headers.first("Authorization");
      if (header.isEmpty()) {
        return Authentication.anonymous();
      }
      String h = header.get();
      if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
        Authentication token = null;
        if (tokens != null) {
          token = tokens.authenticate(request, headers);
          if (token instanceof Authentication.Authenticated) {
            return token;
          }
        }
        if (oidc != null && h.length() <= TokenAuthenticator.MAX_HEADER_CHARS) {
          Optional<Identity> identity = oidc.verifyToken(h.substring(7).strip());
          if (identity.isPresent()) {
            return Authentication.of(identity.get());
          }
        }
        // The refusal (and its challenge, which names the scopes) is made only now: a valid
        // token, the common case, costs none of it.
        return token != null
            ? token
            : Authentication.refused("the bearer token is not valid here", challenge(request));
      }
      return basic.authenticate(request, headers);
    }

    @Override
    public Optional<Challenge> challenge(RequestContext request) {
      return mode == Mode.TOKEN && tokens != null
          ? tokens.challenge(request)
          : basic.challenge(request);
    }
  }

  /** The project authorizer, but tokens of trusted external issuers are their own authority. */
  private static final class ExternalTokens implements Authorizer {
    private final ProjectAuthorizer projects;
    private final Set<String> external;

    ExternalTokens(ProjectAuthorizer projects, Set<String> external) {
      this.projects = projects;
      this.external = external;
    }

    @Override
    public Decision authorize(Identity identity, Access access) throws IOException {
      if (access.action() == Action.LOGIN
          && identity.isAnonymous()
          && identity.grantedAccess().isEmpty()) {
        // Clients (containers/image, docker) learn how to authenticate from the answer to
        // GET /v2/ only: a 200 there and they never send their credentials. Anonymous callers
        // get the challenge, then an anonymous token, which lets them in (public projects).
        return Decision.deny("authentication required");
      }
      if (TokenSigner.SERVICE.equals(identity.attributes().get("kind"))
          && identity.grantedAccess().isPresent()) {
        // A service token of this registry's own (TokenService#serviceToken): what it grants is
        // all its holder may do.
        return identity.mayAttempt(access)
            ? Decision.allow()
            : Decision.deny("the service token does not grant " + access);
      }
      String issuer = identity.attributes().get("issuer");
      if (issuer != null && external.contains(issuer) && identity.grantedAccess().isPresent()) {
        return identity.mayAttempt(access)
            ? Decision.allow()
            : Decision.deny("the token of issuer " + issuer + " does not grant " + access);
      }
      return projects.authorize(identity, access);
    }
  }
}
