package io.wharf.oci.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.wharf.oci.server.Identity;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Signs Wharf's tokens with Nimbus: access tokens as distribution 2.8 verifies them (header {@code
 * alg}, {@code kid}; claims {@code iss}, {@code sub}, {@code aud} as one string, {@code exp},
 * {@code iat}, {@code access}) with the private claims {@code groups} and {@code kind} (left out
 * for a user), so that a registry can authorise again; and refresh tokens ({@code typ:
 * wharf-refresh+jwt}, {@code token_use: refresh}, a {@code jti}, no {@code access}), bound to a
 * subject and a service. Thread-safe.
 */
final class TokenSigner {

  /** The claim with the caller's groups. */
  static final String GROUPS_CLAIM = "groups";

  /**
   * The claim with the caller's kind when it is not a user: {@code robot} or {@code service}. An
   * access token rides on every request of its holder, and a client sends it whole each time, so it
   * carries nothing a verifier can do without: no {@code typ} (an access token is told from a
   * refresh token by the refresh token's own type and {@code token_use}), no {@code nbf} (it would
   * equal {@code iat}, which the verifier checks as well), no {@code jti} (neither Wharf nor
   * distribution reads it, and a bearer token is replayed by design) and no kind for a user, the
   * default. Jetty's parser reads a header one byte at a time, about 5 ns a byte
   * (HeaderParseBenchmark): these claims were a fifth of the token.
   */
  static final String KIND_CLAIM = "kind";

  /** The claim with the granted scopes (distribution's {@code ResourceActions}). */
  static final String ACCESS_CLAIM = "access";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String issuer;
  private final JWSSigner signer;
  private final JWSHeader accessHeader;
  private final JWSHeader refreshHeader;

  TokenSigner(SigningKey key, String issuer) {
    this.issuer = issuer;
    JWSAlgorithm alg;
    try {
      if (key.algorithm() == SigningKey.Algorithm.ES256) {
        alg = JWSAlgorithm.ES256;
        signer = new ECDSASigner((ECPrivateKey) key.privateKey());
      } else {
        alg = JWSAlgorithm.RS256;
        signer = new RSASSASigner(key.privateKey());
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign with " + key, e);
    }
    accessHeader = new JWSHeader.Builder(alg).keyID(key.keyId()).build();
    refreshHeader =
        new JWSHeader.Builder(alg).type(TokenVerifier.REFRESH_TYPE).keyID(key.keyId()).build();
  }

  /** An access token for {@code identity} and {@code audience} granting {@code scopes}. */
  String access(
      Identity identity, String audience, List<TokenScope> scopes, Instant now, Duration life) {
    List<Map<String, Object>> access = new ArrayList<>(scopes.size());
    for (TokenScope scope : scopes) {
      access.add(scope.claim());
    }
    JWTClaimsSet claims = common(identity, audience, now, life).claim(ACCESS_CLAIM, access).build();
    return sign(accessHeader, claims);
  }

  /** A refresh token for the named {@code identity} and {@code audience}. */
  String refresh(Identity identity, String audience, Instant now, Duration life) {
    JWTClaimsSet claims =
        common(identity, audience, now, life)
            .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(id()))
            .claim(TokenVerifier.TOKEN_USE_CLAIM, "refresh")
            .build();
    return sign(refreshHeader, claims);
  }

  private static byte[] id() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return id;
  }

  private JWTClaimsSet.Builder common(
      Identity identity, String audience, Instant now, Duration life) {
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(identity.name().orElse(""))
            .audience(audience)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(life)));
    if (!identity.isAnonymous()) {
      String kind = kindOf(identity);
      if (!kind.equals("user")) {
        b.claim(KIND_CLAIM, kind);
      }
      if (!identity.groups().isEmpty()) {
        b.claim(GROUPS_CLAIM, List.copyOf(identity.groups()));
      }
    }
    return b;
  }

  /**
   * {@code robot} for a robot account, {@code service} for a service the registry sends (see {@link
   * TokenService#serviceToken}), else {@code user}.
   */
  static String kindOf(Identity identity) {
    String kind = identity.attributes().get("kind");
    return "robot".equals(kind) || SERVICE.equals(kind) ? kind : "user";
  }

  /** The kind of a token the registry made for a service of its own. */
  static final String SERVICE = "service";

  private String sign(JWSHeader header, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }
}
