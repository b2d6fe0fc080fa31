package io.wharf.oci.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Identity;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Verifies compact JWS tokens (RFC 7515, 7519) with Nimbus against trusted issuers: the form (three
 * base64url parts, at most {@value #MAX_TOKEN_CHARS} characters), an algorithm of the allow-list
 * (ES256, ES384, RS256, RS384, RS512, PS256; never {@code none} or HMAC), no {@code crit} header,
 * the issuer ({@code iss} of a trusted issuer), the signature (by a key of that issuer, chosen by
 * {@code kid}), the audience, {@code exp} (required), {@code nbf} and {@code iat} with a clock
 * skew. Keys named in the token ({@code jwk}, {@code x5c}, {@code jku}, {@code x5u}) are never
 * used.
 */
final class TokenVerifier {

  /** The longest token read (the {@code Authorization} header is bounded at 8 KiB). */
  static final int MAX_TOKEN_CHARS = 8192;

  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256);

  /** The {@code typ} of Wharf's refresh tokens. */
  static final JOSEObjectType REFRESH_TYPE = new JOSEObjectType("wharf-refresh+jwt");

  /** The claim that tells refresh tokens ({@code refresh}) from access tokens. */
  static final String TOKEN_USE_CLAIM = "token_use";

  /** A token that is not accepted, and why (never its content). */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String reason) {
      super(reason, null, false, false);
    }
  }

  /** A verified token: its issuer and claims. */
  record Verified(TrustedIssuer issuer, JWTClaimsSet claims) {}

  private final Map<String, IssuerKeys> issuers;
  private final Duration skew;

  TokenVerifier(Collection<TrustedIssuer> trusted, Duration skew) {
    Map<String, IssuerKeys> byName = new LinkedHashMap<>();
    for (TrustedIssuer issuer : trusted) {
      if (byName.put(issuer.name(), new IssuerKeys(issuer)) != null) {
        throw new IllegalArgumentException("issuer " + issuer.name() + " is trusted twice");
      }
    }
    this.issuers = Map.copyOf(byName);
    this.skew = skew;
  }

  /** Whether {@code token} has the form of a compact JWS: three base64url parts. */
  static boolean isCompactJws(String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return false;
    }
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        dots++;
      } else if (!((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_')) {
        return false;
      }
    }
    return dots == 2;
  }

  /** The {@code iss} of {@code token} before any check, when it is a JWT with one. */
  static Optional<String> unverifiedIssuer(String token) {
    if (!isCompactJws(token)) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(SignedJWT.parse(token).getJWTClaimsSet().getIssuer());
    } catch (ParseException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Verifies {@code token} for {@code audience} at {@code now}.
   *
   * @param refresh whether a Wharf refresh token is expected (else an access token)
   * @throws Invalid when any check fails
   */
  Verified verify(String token, String audience, Instant now, boolean refresh) throws Invalid {
    if (!isCompactJws(token)) {
      throw new Invalid("malformed token");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      throw new Invalid("malformed token");
    }
    JWSHeader header = jwt.getHeader();
    if (!ALGORITHMS.contains(header.getAlgorithm())) {
      throw new Invalid("signature algorithm " + header.getAlgorithm() + " is not accepted");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw new Invalid("critical header parameters are not supported");
    }
    checkType(header.getType(), claims, refresh);
    IssuerKeys keys = claims.getIssuer() == null ? null : issuers.get(claims.getIssuer());
    if (keys == null || (refresh && !keys.issuer().isWharf())) {
      throw new Invalid("untrusted issuer");
    }
    boolean verified = false;
    for (IssuerKeys.Key key : keys.candidates(Optional.ofNullable(header.getKeyID()), now)) {
      try {
        if (jwt.verify(key.verifier())) {
          verified = true;
          break;
        }
      } catch (JOSEException | IllegalStateException e) {
        // a key of another type or curve: try the next one
      }
    }
    if (!verified) {
      throw new Invalid("the signature is not by a trusted key");
    }
    List<String> audiences = claims.getAudience();
    if (audiences == null || !audiences.contains(audience)) {
      throw new Invalid("the token is for another service");
    }
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new Invalid("the token has no expiry");
    }
    if (now.isAfter(exp.toInstant().plus(skew))) {
      throw new Invalid("the token has expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(skew))) {
      throw new Invalid("the token is not valid yet");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && now.isBefore(iat.toInstant().minus(skew))) {
      throw new Invalid("the token was issued in the future");
    }
    return new Verified(keys.issuer(), claims);
  }

  private static void checkType(JOSEObjectType type, JWTClaimsSet claims, boolean refresh)
      throws Invalid {
    Object use = claims.getClaim(TOKEN_USE_CLAIM);
    if (refresh) {
      if (!REFRESH_TYPE.equals(type) || !"refresh".equals(use)) {
        throw new Invalid("not a refresh token");
      }
      return;
    }
    boolean accessType =
        type == null
            || type.getType().equalsIgnoreCase("JWT")
            || type.getType().equalsIgnoreCase("at+jwt")
            || type.getType().equalsIgnoreCase("application/at+jwt");
    if (!accessType || (use != null && !"access".equals(use))) {
      throw new Invalid("not an access token");
    }
  }

  /** The most groups and access entries read from a token. */
  static final int MAX_CLAIM_ENTRIES = 256;

  /**
   * The identity {@code verified} stands for: {@code sub} as its name (anonymous when empty), the
   * {@code groups} claim, attributes {@code kind} ({@code robot} only in Wharf's own tokens),
   * {@code source=token} and, for an external issuer, {@code issuer=<name>}; for an access token,
   * the {@code access} claim as its granted access.
   *
   * @throws Invalid when a claim is malformed
   */
  static Identity identity(Verified verified, boolean access) throws Invalid {
    JWTClaimsSet claims = verified.claims();
    Object sub = claims.getClaim("sub");
    if (sub != null && !(sub instanceof String)) {
      throw new Invalid("malformed sub claim");
    }
    Optional<String> name =
        sub == null || ((String) sub).isEmpty() ? Optional.empty() : Optional.of((String) sub);
    Set<String> groups = new TreeSet<>();
    Object groupsClaim = claims.getClaim(TokenSigner.GROUPS_CLAIM);
    if (groupsClaim != null) {
      if (!(groupsClaim instanceof List<?> list) || list.size() > MAX_CLAIM_ENTRIES) {
        throw new Invalid("malformed groups claim");
      }
      for (Object group : list) {
        if (!(group instanceof String g) || !Identities.isBounded(g, 256)) {
          throw new Invalid("malformed groups claim");
        }
        groups.add(g);
      }
    }
    Map<String, String> attributes = new TreeMap<>();
    attributes.put("source", "token");
    TrustedIssuer issuer = verified.issuer();
    if (!issuer.isWharf()) {
      attributes.put("issuer", issuer.name());
    }
    if (name.isPresent()) {
      Object kind = claims.getClaim(TokenSigner.KIND_CLAIM);
      // Only Wharf's own tokens say robot or service; any other issuer's holder is a user.
      boolean special =
          issuer.isWharf() && ("robot".equals(kind) || TokenSigner.SERVICE.equals(kind));
      attributes.put("kind", special ? (String) kind : "user");
    }
    Optional<Set<Access>> granted = Optional.empty();
    if (access) {
      Object accessClaim = claims.getClaim(TokenSigner.ACCESS_CLAIM);
      if (accessClaim == null) {
        granted = Optional.of(Set.of());
      } else if (accessClaim instanceof List<?> list && list.size() <= MAX_CLAIM_ENTRIES) {
        granted = Optional.of(TokenScope.fromClaim(list));
      } else {
        throw new Invalid("malformed access claim");
      }
    }
    try {
      return new Identity(name, groups, attributes, granted);
    } catch (IllegalArgumentException e) {
      throw new Invalid("malformed sub claim");
    }
  }
}
