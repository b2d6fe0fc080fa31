package io.wharf.oci.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.wharf.oci.server.Identity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks OIDC ID tokens and JWT access tokens of one issuer (Keycloak, Dex, Entra ID, GitLab, a CI
 * system's workload identity) with nimbus-jose-jwt:
 *
 * <ul>
 *   <li>the signature, with an asymmetric algorithm of {@linkplain Builder#algorithms the allowed
 *       ones} (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 by default; never
 *       {@code none} or HMAC, so a token "signed" with the public key as an HMAC secret fails),
 *       against a key of the issuer's JWKS chosen by {@code kid};
 *   <li>{@code iss} equal to the issuer, {@code aud} naming {@linkplain Builder#audience one of the
 *       audiences}, {@code exp} present and not past, {@code nbf} not ahead, with {@linkplain
 *       Builder#clockSkew a clock skew} (60 seconds by default).
 * </ul>
 *
 * <p>The JWKS is found through the discovery document ({@code
 * <issuer>/.well-known/openid-configuration}, whose {@code issuer} must match, then its {@code
 * jwks_uri}) or {@linkplain Builder#jwksUri given}; it is fetched when first needed, kept for
 * {@linkplain Builder#jwksTtl 5 minutes}, and fetched again at once when a token names an unknown
 * key (the issuer rotated its keys), at most once per {@linkplain Builder#minRefetchInterval 30
 * seconds}. Fetches are bounded: {@linkplain Builder#timeouts 5 seconds} to connect and to read, at
 * most {@linkplain Builder#maxDocumentSize 256 KiB}; plain {@code http} only to a loopback address
 * unless {@linkplain Builder#allowHttp allowed}.
 *
 * <p>The user is the {@linkplain Builder#userClaim user claim} ({@code preferred_username}, else
 * {@code sub}, by default), the groups the {@linkplain Builder#groupsClaim groups claim} ({@code
 * groups}): a list of strings or one string. Identities have the attributes {@code kind=user},
 * {@code source=oidc}, {@code issuer} and {@code subject}.
 *
 * <p><b>As a {@link PasswordVerifier}</b> the secret is the token ({@code docker login -u alice -p
 * <token>}), and the user name must be the token's user: a token does not let its bearer log in
 * under another name (so throttling and audit records name the right user). {@linkplain
 * Builder#anyUserName Optionally} any user name is accepted, for clients that send a fixed one (as
 * {@code oauth2accesstoken} for some cloud registries). A secret that is not a signed JWT, or a JWT
 * of another issuer, is {@link Verification.Unknown} (the next verifier is asked); an invalid token
 * of this issuer is {@link Verification.Rejected}. A successful check may be remembered by {@link
 * Logins} no longer than the token's {@code exp}.
 *
 * <p>Thread-safe; time comes from the injected {@link Clock}.
 */
public final class OidcIssuer implements PasswordVerifier {

  private static final Logger log = LoggerFactory.getLogger(OidcIssuer.class);

  /** The longest token read (a JWT with many groups stays well below). */
  private static final int MAX_TOKEN_LENGTH = 16 * 1024;

  /** The most groups taken from one token. */
  private static final int MAX_GROUPS = 1000;

  private static final Set<JWSAlgorithm> ASYMMETRIC =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private final String issuer;
  private final Set<String> audiences;
  private final Set<JWSAlgorithm> algorithms;
  private final Optional<String> userClaim;
  private final String groupsClaim;
  private final Duration clockSkew;
  private final boolean anyUserName;
  private final Clock clock;
  private final JwksCache keys;
  private final DefaultResourceRetriever retriever;
  private final boolean allowHttp;
  private final Optional<URI> givenJwksUri;
  private volatile @Nullable URI jwksUri;

  private OidcIssuer(Builder b) {
    this.issuer = b.issuer;
    this.audiences = Set.copyOf(b.audiences);
    this.algorithms = Set.copyOf(b.algorithms);
    this.userClaim = b.userClaim;
    this.groupsClaim = b.groupsClaim;
    this.clockSkew = b.clockSkew;
    this.anyUserName = b.anyUserName;
    this.clock = b.clock;
    this.allowHttp = b.allowHttp;
    this.givenJwksUri = b.jwksUri;
    this.retriever =
        new DefaultResourceRetriever(
            (int) b.connectTimeout.toMillis(), (int) b.readTimeout.toMillis(), b.maxDocumentSize);
    this.keys = new JwksCache(this::fetchKeys, b.clock, b.jwksTtl, b.minRefetchInterval);
  }

  /** A builder for the issuer named {@code issuer} (its {@code iss}, usually its URL). */
  public static Builder builder(String issuer) {
    return new Builder(issuer);
  }

  /** The issuer's name, as tokens carry it in {@code iss}. */
  public String issuer() {
    return issuer;
  }

  /**
   * The identity {@code jwt} proves, when it is a valid token of this issuer: for bearer tokens
   * sent to the registry directly.
   *
   * @return the identity, or empty when the token is not valid (the reason is logged at DEBUG)
   * @throws IOException when the issuer's keys cannot be fetched
   */
  public Optional<Identity> verifyToken(String jwt) throws IOException {
    Verification v = check(jwt, Optional.empty());
    if (v instanceof Verification.Verified ok) {
      return Optional.of(ok.identity());
    }
    if (v instanceof Verification.Rejected r) {
      log.debug("A bearer token was refused: {}", r.reason());
    }
    return Optional.empty();
  }

  @Override
  public Verification verify(String username, String secret) throws IOException {
    return check(secret, anyUserName ? Optional.empty() : Optional.of(username));
  }

  private Verification check(String jwt, Optional<String> username) throws IOException {
    if (jwt.length() > MAX_TOKEN_LENGTH || jwt.chars().filter(c -> c == '.').count() != 2) {
      return Verification.unknown();
    }
    SignedJWT token;
    JWTClaimsSet claims;
    try {
      token = SignedJWT.parse(jwt);
      claims = token.getJWTClaimsSet();
    } catch (ParseException e) {
      return Verification.unknown();
    }
    if (!issuer.equals(claims.getIssuer())) {
      return Verification.unknown();
    }
    JWSHeader header = token.getHeader();
    if (!algorithms.contains(header.getAlgorithm())) {
      return Verification.rejected("a token signed with " + header.getAlgorithm() + " is refused");
    }
    if (!signatureValid(token, header)) {
      return Verification.rejected("the token's signature is not valid with the issuer's keys");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return Verification.rejected("the token has no expiry");
    }
    if (!now.isBefore(exp.toInstant().plus(clockSkew))) {
      return Verification.rejected("the token expired at " + exp.toInstant());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(clockSkew))) {
      return Verification.rejected("the token is not valid before " + nbf.toInstant());
    }
    List<String> aud = claims.getAudience();
    if (aud.stream().noneMatch(audiences::contains)) {
      return Verification.rejected("the token is for another audience");
    }
    Optional<String> user = user(claims);
    if (user.isEmpty()) {
      return Verification.rejected("the token names no valid user");
    }
    if (username.isPresent() && !username.get().equals(user.get())) {
      return Verification.rejected("the token is for another user than " + username.get());
    }
    Identity identity =
        Identities.user(
            user.get(),
            "oidc",
            groups(claims),
            Map.of("issuer", issuer, "subject", Objects.toString(claims.getSubject(), "")));
    return Verification.verifiedUntil(identity, exp.toInstant().plus(clockSkew));
  }

  private boolean signatureValid(SignedJWT token, JWSHeader header) throws IOException {
    List<JWK> candidates = keys.select(JWKMatcher.forJWSHeader(header));
    DefaultJWSVerifierFactory factory = new DefaultJWSVerifierFactory();
    for (JWK jwk : candidates) {
      if (jwk.isPrivate()) {
        continue;
      }
      for (Key key : KeyConverter.toJavaKeys(List.of(jwk))) {
        try {
          JWSVerifier verifier = factory.createJWSVerifier(header, key);
          if (token.verify(verifier)) {
            return true;
          }
        } catch (JOSEException e) {
          log.debug("Key {} cannot check a {} signature", jwk.getKeyID(), header.getAlgorithm());
        }
      }
    }
    return false;
  }

  private Optional<String> user(JWTClaimsSet claims) {
    List<String> names =
        userClaim.isPresent() ? List.of(userClaim.get()) : List.of("preferred_username", "sub");
    for (String name : names) {
      Object value = claims.getClaim(name);
      if (value instanceof String s && Identities.isValidName(s)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private Set<String> groups(JWTClaimsSet claims) {
    Object value = claims.getClaim(groupsClaim);
    Set<String> groups = new TreeSet<>();
    if (value instanceof String s) {
      addGroup(groups, s);
    } else if (value instanceof Collection<?> values) {
      for (Object v : values) {
        if (v instanceof String s) {
          addGroup(groups, s);
        }
      }
    }
    return groups;
  }

  private static void addGroup(Set<String> groups, String group) {
    if (groups.size() < MAX_GROUPS && Identities.isValidName(group)) {
      groups.add(group);
    }
  }

  private JWKSet fetchKeys() throws IOException {
    URI uri = jwksUri();
    try {
      return JWKSet.parse(fetch(uri));
    } catch (ParseException e) {
      throw new IOException("the JWKS at " + uri + " is not a JWK set: " + e.getMessage(), e);
    }
  }

  private URI jwksUri() throws IOException {
    URI known = jwksUri;
    if (known != null) {
      return known;
    }
    if (givenJwksUri.isPresent()) {
      jwksUri = givenJwksUri.get();
      return givenJwksUri.get();
    }
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    URI discovery = URI.create(base + "/.well-known/openid-configuration");
    Map<String, Object> doc;
    try {
      doc = JSONObjectUtils.parse(fetch(discovery));
    } catch (ParseException e) {
      throw new IOException("the discovery document at " + discovery + " is not JSON", e);
    }
    if (!issuer.equals(doc.get("issuer"))) {
      throw new IOException("the discovery document at " + discovery + " is for another issuer");
    }
    if (!(doc.get("jwks_uri") instanceof String s)) {
      throw new IOException("the discovery document at " + discovery + " has no jwks_uri");
    }
    URI found;
    try {
      found = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IOException("the discovery document at " + discovery + " has a bad jwks_uri", e);
    }
    jwksUri = found;
    return found;
  }

  private String fetch(URI uri) throws IOException {
    checkScheme(uri);
    URL url = uri.toURL();
    Resource r = retriever.retrieveResource(url);
    return r.getContent();
  }

  private void checkScheme(URI uri) throws IOException {
    if ("https".equals(uri.getScheme())) {
      return;
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IOException("only https URLs are fetched: " + uri);
    }
    if (!allowHttp && !isLoopback(uri.getHost())) {
      throw new IOException("plain http is fetched from a loopback address only: " + uri);
    }
  }

  /**
   * Whether {@code host} is {@code localhost} or a loopback IP literal (never resolved: a name
   * could resolve differently by the time it is fetched).
   */
  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      return false;
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** How many times the JWKS was fetched (or a fetch tried). */
  int jwksFetches() {
    return keys.fetches();
  }

  @Override
  public String toString() {
    return "OidcIssuer[" + issuer + "]";
  }

  /** Configures an {@link OidcIssuer}. */
  public static final class Builder {
    private final String issuer;
    private final Set<String> audiences = new LinkedHashSet<>();
    private Set<JWSAlgorithm> algorithms = ASYMMETRIC;
    private Optional<String> userClaim = Optional.empty();
    private String groupsClaim = "groups";
    private Duration clockSkew = Duration.ofSeconds(60);
    private boolean anyUserName;
    private Clock clock = Clock.systemUTC();
    private Optional<URI> jwksUri = Optional.empty();
    private Duration jwksTtl = Duration.ofMinutes(5);
    private Duration minRefetchInterval = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(5);
    private int maxDocumentSize = 256 * 1024;
    private boolean allowHttp;

    private Builder(String issuer) {
      Objects.requireNonNull(issuer, "issuer");
      if (issuer.isEmpty() || issuer.length() > 2048) {
        throw new IllegalArgumentException("an issuer has 1 to 2048 characters");
      }
      this.issuer = issuer;
    }

    /** Accepts tokens whose {@code aud} names {@code audience} (at least one is required). */
    public Builder audience(String audience) {
      if (audience.isEmpty()) {
        throw new IllegalArgumentException("an audience is not empty");
      }
      audiences.add(audience);
      return this;
    }

    /**
     * The signature algorithms accepted (JOSE names; only asymmetric ones: RS*, PS*, ES*).
     *
     * @throws IllegalArgumentException for {@code none}, HMAC or an unknown name
     */
    public Builder algorithms(Set<String> names) {
      Set<JWSAlgorithm> chosen = new LinkedHashSet<>();
      for (String n : names) {
        JWSAlgorithm a = JWSAlgorithm.parse(n);
        if (!ASYMMETRIC.contains(a)) {
          throw new IllegalArgumentException("not an accepted signature algorithm: " + n);
        }
        chosen.add(a);
      }
      if (chosen.isEmpty()) {
        throw new IllegalArgumentException("at least one algorithm");
      }
      this.algorithms = chosen;
      return this;
    }

    /** The claim naming the user (default {@code preferred_username}, else {@code sub}). */
    public Builder userClaim(String claim) {
      this.userClaim = Optional.of(claim);
      return this;
    }

    /** The claim listing the groups (default {@code groups}). */
    public Builder groupsClaim(String claim) {
      this.groupsClaim = Objects.requireNonNull(claim, "claim");
      return this;
    }

    /** How far clocks may disagree when {@code exp} and {@code nbf} are checked (default 60 s). */
    public Builder clockSkew(Duration skew) {
      if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("the clock skew is 0 to 10 minutes");
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * Whether a login with a token may give any user name (default no: it must be the token's
     * user).
     */
    public Builder anyUserName(boolean any) {
      this.anyUserName = any;
      return this;
    }

    /** The clock (default: the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The JWKS URL, instead of finding it through the discovery document. */
    public Builder jwksUri(URI uri) {
      this.jwksUri = Optional.of(uri);
      return this;
    }

    /** How long fetched keys are used before they are fetched again (default 5 minutes). */
    public Builder jwksTtl(Duration ttl) {
      this.jwksTtl = positive(ttl);
      return this;
    }

    /** The least time between two fetches of the keys (default 30 seconds). */
    public Builder minRefetchInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("the interval is not negative");
      }
      this.minRefetchInterval = interval;
      return this;
    }

    /** Connect and read timeouts of the fetches (default 5 seconds each). */
    public Builder timeouts(Duration connect, Duration read) {
      this.connectTimeout = positive(connect);
      this.readTimeout = positive(read);
      return this;
    }

    /** The largest discovery document or JWKS read (default 256 KiB). */
    public Builder maxDocumentSize(int bytes) {
      if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
        throw new IllegalArgumentException("the size limit is 1 KiB to 16 MiB");
      }
      this.maxDocumentSize = bytes;
      return this;
    }

    /** Whether plain {@code http} may be fetched from hosts other than loopback (default no). */
    public Builder allowHttp(boolean allow) {
      this.allowHttp = allow;
      return this;
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("a duration is positive");
      }
      return d;
    }

    /**
     * The issuer; its keys are fetched at the first check.
     *
     * @throws IllegalStateException when no audience was given
     */
    public OidcIssuer build() {
      if (audiences.isEmpty()) {
        throw new IllegalStateException("an OIDC issuer needs at least one audience");
      }
      return new OidcIssuer(this);
    }
  }
}
