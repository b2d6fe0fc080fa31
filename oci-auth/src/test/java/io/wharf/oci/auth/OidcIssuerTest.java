package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.server.Identity;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against no.nav.security's mock-oauth2-server, started here on a random port. */
class OidcIssuerTest {

  private static final String AUDIENCE = "wharf";

  private final MutableClock clock = new MutableClock(Instant.now());
  private RSAKey keyA;
  private RotatingKeys keys;
  private MockOAuth2Server server;
  private String issuer;

  /** The issuer's signing key, which a test can replace: the issuer rotates its keys. */
  static final class RotatingKeys extends KeyProvider {
    private volatile JWK current;

    RotatingKeys(JWK first) {
      super(List.of(), "RS256");
      this.current = first;
    }

    @Override
    public JWK signingKey(String issuerId) {
      return current;
    }

    void rotateTo(JWK next) {
      current = next;
    }
  }

  @BeforeEach
  void start() throws Exception {
    keyA = new RSAKeyGenerator(2048).keyID("key-a").generate();
    keys = new RotatingKeys(keyA);
    server = serverWith(keys);
    server.start();
    issuer = server.issuerUrl("default").toString();
  }

  @AfterEach
  void stop() {
    server.shutdown();
  }

  private static MockOAuth2Server serverWith(KeyProvider keys) {
    return new MockOAuth2Server(
        new OAuth2Config(
            false, null, null, false, new OAuth2TokenProvider(keys), Set.of(), new NettyWrapper()));
  }

  private OidcIssuer.Builder oidc() {
    // Generous timeouts: the server answers at once, but a loaded CI machine may be slow.
    return OidcIssuer.builder(issuer)
        .audience(AUDIENCE)
        .clock(clock)
        .timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60));
  }

  private String token(String subject, String audience, Map<String, Object> claims) {
    return server.issueToken("default", subject, audience, claims, 3600).serialize();
  }

  private String aliceToken() {
    return token(
        "u-123", AUDIENCE, Map.of("preferred_username", "alice", "groups", List.of("devs", "ops")));
  }

  @Test
  void acceptsAValidTokenAndMapsUserAndGroups() throws Exception {
    OidcIssuer oidc = oidc().build();

    Identity alice = oidc.verifyToken(aliceToken()).orElseThrow();
    assertThat(alice.name()).contains("alice");
    assertThat(alice.groups()).containsExactly("devs", "ops");
    assertThat(alice.attributes())
        .containsEntry("kind", "user")
        .containsEntry("source", "oidc")
        .containsEntry("issuer", issuer)
        .containsEntry("subject", "u-123");

    Identity bySub = oidc.verifyToken(token("u-456", AUDIENCE, Map.of())).orElseThrow();
    assertThat(bySub.name()).as("sub without preferred_username").contains("u-456");

    OidcIssuer custom = oidc().userClaim("email").groupsClaim("roles").build();
    Identity mail =
        custom
            .verifyToken(
                token("u-789", AUDIENCE, Map.of("email", "c@example.org", "roles", "admin")))
            .orElseThrow();
    assertThat(mail.name()).contains("c@example.org");
    assertThat(mail.groups()).containsExactly("admin");
  }

  @Test
  void asAPasswordVerifierTheUserNameMustBeTheTokensUser() throws Exception {
    OidcIssuer oidc = oidc().build();
    String token = aliceToken();

    Verification ok = oidc.verify("alice", token);
    assertThat(ok).isInstanceOf(Verification.Verified.class);
    assertThat(((Verification.Verified) ok).expiresAt()).isPresent();
    assertThat(oidc.verify("mallory", token)).isInstanceOf(Verification.Rejected.class);
    assertThat(oidc().anyUserName(true).build().verify("oauth2accesstoken", token))
        .isInstanceOf(Verification.Verified.class);
    assertThat(oidc.verify("alice", "just a password")).isInstanceOf(Verification.Unknown.class);
  }

  @Test
  void attack_aTokenForAnotherAudienceIsRefused() throws Exception {
    assertThat(
            oidc()
                .build()
                .verify("alice", token("u", "another-app", Map.of("preferred_username", "alice"))))
        .isEqualTo(Verification.rejected("the token is for another audience"));
  }

  @Test
  void attack_anExpiredTokenIsRefusedAfterTheClockSkew() throws Exception {
    OidcIssuer oidc = oidc().build();
    String token = aliceToken();
    Instant exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();

    clock.set(exp.plusSeconds(59));
    assertThat(oidc.verifyToken(token)).as("within the skew").isPresent();
    clock.set(exp.plusSeconds(60));
    assertThat(oidc.verify("alice", token)).isInstanceOf(Verification.Rejected.class);
    assertThat(oidc.verifyToken(token)).isEmpty();
  }

  @Test
  void aTokenNotYetValidIsRefused() throws Exception {
    OidcIssuer oidc = oidc().build();
    String token = aliceToken();
    Instant nbf = SignedJWT.parse(token).getJWTClaimsSet().getNotBeforeTime().toInstant();
    clock.set(nbf.minusSeconds(61));
    assertThat(oidc.verify("alice", token)).isInstanceOf(Verification.Rejected.class);
  }

  @Test
  void attack_aTokenOfAnotherIssuerIsNotAccepted() throws Exception {
    String other =
        server
            .issueToken("other", "u", AUDIENCE, Map.of("preferred_username", "alice"), 3600)
            .serialize();
    OidcIssuer oidc = oidc().build();
    assertThat(oidc.verify("alice", other)).isInstanceOf(Verification.Unknown.class);
    assertThat(oidc.verifyToken(other)).isEmpty();
  }

  @Test
  void attack_aTamperedPayloadFailsTheSignature() throws Exception {
    String[] parts = aliceToken().split("\\.");
    JWTClaimsSet claims =
        JWTClaimsSet.parse(new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8));
    JWTClaimsSet widened =
        new JWTClaimsSet.Builder(claims)
            .claim("preferred_username", "admin")
            .claim("groups", List.of("admins"))
            .build();
    String tampered = parts[0] + "." + Base64URL.encode(widened.toString()) + "." + parts[2];

    assertThat(oidc().build().verify("admin", tampered))
        .isEqualTo(
            Verification.rejected("the token's signature is not valid with the issuer's keys"));
  }

  @Test
  void attack_algNoneIsRefused() throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(aliceToken()).getJWTClaimsSet();
    String unsigned = new PlainJWT(claims).serialize();
    OidcIssuer oidc = oidc().build();
    assertThat(oidc.verify("alice", unsigned)).isNotInstanceOf(Verification.Verified.class);
    assertThat(oidc.verifyToken(unsigned)).isEmpty();
    assertThat(oidc.verifyToken(unsigned + "c2ln")).isEmpty();
  }

  @Test
  void attack_anHmacTokenSignedWithThePublicKeyIsRefused() throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(aliceToken()).getJWTClaimsSet();
    SignedJWT hmac =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("key-a").build(), claims);
    hmac.sign(new MACSigner(keyA.toPublicJWK().toRSAPublicKey().getEncoded()));

    assertThat(oidc().build().verify("alice", hmac.serialize()))
        .isEqualTo(Verification.rejected("a token signed with HS256 is refused"));
    assertThatThrownBy(() -> oidc().algorithms(Set.of("HS256")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void attack_aTokenSignedWithAnotherKeyIsRefusedAndRefetchesAreRateLimited() throws Exception {
    OidcIssuer oidc = oidc().minRefetchInterval(Duration.ofSeconds(30)).build();
    assertThat(oidc.verifyToken(aliceToken())).isPresent();
    assertThat(oidc.jwksFetches()).isEqualTo(1);

    RSAKey rogue = new RSAKeyGenerator(2048).keyID("rogue").generate();
    JWTClaimsSet claims = SignedJWT.parse(aliceToken()).getJWTClaimsSet();
    SignedJWT forged =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rogue").build(), claims);
    forged.sign(new RSASSASigner(rogue));
    SignedJWT forgedWithRealKid =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("key-a").build(), claims);
    forgedWithRealKid.sign(new RSASSASigner(rogue));

    for (int i = 0; i < 20; i++) {
      assertThat(oidc.verify("alice", forged.serialize()))
          .isInstanceOf(Verification.Rejected.class);
    }
    assertThat(oidc.verify("alice", forgedWithRealKid.serialize()))
        .isInstanceOf(Verification.Rejected.class);
    assertThat(oidc.jwksFetches()).as("unknown key ids do not hammer the issuer").isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));
    assertThat(oidc.verify("alice", forged.serialize())).isInstanceOf(Verification.Rejected.class);
    assertThat(oidc.jwksFetches()).isEqualTo(2);
  }

  @Test
  void keyRotationIsFollowedByARefetch() throws Exception {
    OidcIssuer oidc = oidc().minRefetchInterval(Duration.ofSeconds(30)).build();
    String token = aliceToken();
    assertThat(oidc.verifyToken(token)).isPresent();

    keys.rotateTo(new RSAKeyGenerator(2048).keyID("key-b").generate());
    String rotated = aliceToken();
    assertThat(SignedJWT.parse(rotated).getHeader().getKeyID()).isEqualTo("key-b");

    assertThat(oidc.verifyToken(rotated)).as("refetched too recently").isEmpty();
    clock.advance(Duration.ofSeconds(30));
    Optional<Identity> alice = oidc.verifyToken(rotated);
    assertThat(alice).isPresent();
    assertThat(oidc.jwksFetches()).isEqualTo(2);
    assertThat(oidc.verifyToken(token)).as("the retired key is gone").isEmpty();
  }

  @Test
  void acceptsEs256() throws Exception {
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    MockOAuth2Server es = serverWith(new KeyProvider(List.of(ec), "ES256"));
    es.start();
    try {
      String esIssuer = es.issuerUrl("default").toString();
      String token =
          es.issueToken("default", "u", AUDIENCE, Map.of("preferred_username", "alice"), 3600)
              .serialize();
      assertThat(SignedJWT.parse(token).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
      OidcIssuer oidc = OidcIssuer.builder(esIssuer).audience(AUDIENCE).clock(clock).build();
      assertThat(oidc.verifyToken(token)).isPresent();
      OidcIssuer rsaOnly =
          OidcIssuer.builder(esIssuer)
              .audience(AUDIENCE)
              .clock(clock)
              .algorithms(Set.of("RS256"))
              .build();
      assertThat(rsaOnly.verify("alice", token))
          .isEqualTo(Verification.rejected("a token signed with ES256 is refused"));
    } finally {
      es.shutdown();
    }
  }

  @Test
  void theKeysCanBeGivenByUrlAndTheIssuerMustBeReachable() throws Exception {
    OidcIssuer byUrl = oidc().jwksUri(URI.create(server.jwksUrl("default").toString())).build();
    assertThat(byUrl.verifyToken(aliceToken())).isPresent();

    String token = aliceToken();
    server.shutdown();
    OidcIssuer unreachable = oidc().timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)).build();
    assertThatThrownBy(() -> unreachable.verify("alice", token)).isInstanceOf(IOException.class);
  }

  @Test
  void plainHttpIsFetchedOnlyFromLoopback() throws Exception {
    OidcIssuer remote =
        OidcIssuer.builder("http://example.invalid/issuer").audience(AUDIENCE).clock(clock).build();
    RSAKey k = new RSAKeyGenerator(2048).generate();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer("http://example.invalid/issuer")
            .audience(AUDIENCE)
            .subject("alice")
            .expirationTime(Date.from(clock.instant().plusSeconds(60)))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    jwt.sign(new RSASSASigner(k));
    assertThatThrownBy(() -> remote.verifyToken(jwt.serialize()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("loopback");
  }

  @Test
  void theBuilderNeedsAnAudience() {
    assertThatThrownBy(() -> OidcIssuer.builder(issuer).build())
        .isInstanceOf(IllegalStateException.class);
  }
}
