package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import io.wharf.oci.auth.TokenFixture.Reply;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Authorizer;
import io.wharf.oci.server.Endpoint;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RequestContext;
import io.wharf.oci.storage.RegistryStorage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.Test;

/**
 * Wharf trusting token issuers that are not Wharf: a real OAuth 2 / OIDC server started by the test
 * (mock-oauth2-server, whose JWKS Wharf fetches), a JWKS served by the test whose keys rotate, and
 * keys given as PEM.
 */
class ExternalIssuerTest {

  private static final String SERVICE = "wharf.registry";

  @Test
  void tokensOfAnOidcServerAreAcceptedForWhatTheyGrantOnly() throws Exception {
    // Netty rather than the default MockWebServer, which needs JUnit 4.
    MockOAuth2Server oauth =
        new MockOAuth2Server(
            new OAuth2Config(
                false, null, null, false, new OAuth2TokenProvider(), Set.of(), new NettyWrapper()));
    oauth.start();
    try {
      String issuer = oauth.issuerUrl("corp").toString();
      TokenAuthenticator authenticator =
          TokenAuthenticator.builder("https://idp.example/token", SERVICE)
              .trust(
                  TrustedIssuer.builder(issuer)
                      .jwksUri(URI.create(oauth.jwksUrl("corp").toString()))
                      .build())
              .build();
      Registry registry =
          Registry.builder(RegistryStorage.inMemory())
              .authenticator(authenticator)
              .authorizer(Authorizer.allowAll())
              .build();
      String token =
          oauth
              .issueToken(
                  "corp",
                  "carol",
                  SERVICE,
                  Map.of(
                      "access",
                      List.of(
                          Map.of(
                              "type",
                              "repository",
                              "name",
                              "corp/app",
                              "actions",
                              List.of("pull"))),
                      "groups",
                      List.of("developers"),
                      "kind",
                      "robot"))
              .serialize();

      Reply granted = get(registry, "/v2/corp/app/tags/list", token);
      assertThat(granted.status()).as(granted.body()).isEqualTo(404); // let in; nothing pushed yet
      assertThat(granted.body()).contains("NAME_UNKNOWN");
      Reply other = get(registry, "/v2/corp/other/tags/list", token);
      assertThat(other.status()).isEqualTo(401);
      assertThat(other.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
      Reply push =
          TokenFixture.call(
              registry,
              HttpMethod.POST,
              "/v2/corp/app/blobs/uploads/",
              TokenFixture.headers("Authorization", "Bearer " + token),
              Bytes.empty());
      assertThat(push.status()).isEqualTo(401);

      Identity identity = identity(authenticator, token);
      assertThat(identity.name()).contains("carol");
      assertThat(identity.groups()).containsExactly("developers");
      // an external issuer does not say who is a robot
      assertThat(identity.attributes())
          .isEqualTo(Map.of("kind", "user", "source", "token", "issuer", issuer));

      String wrongAudience =
          oauth.issueToken("corp", "carol", "another-service", Map.of()).serialize();
      assertThat(get(registry, "/v2/", wrongAudience).header("WWW-Authenticate"))
          .contains("error=\"invalid_token\"");
      String otherIssuer = oauth.issueToken("elsewhere", "carol", SERVICE, Map.of()).serialize();
      assertThat(get(registry, "/v2/", otherIssuer).status()).isEqualTo(401);
      registry.close();
    } finally {
      oauth.shutdown();
    }
  }

  @Test
  void theJwksIsFetchedAgainForAnUnknownKidAtMostOncePerInterval() throws Exception {
    ECKey first = new ECKeyGenerator(Curve.P_256).keyID("first").generate();
    ECKey second = new ECKeyGenerator(Curve.P_256).keyID("second").generate();
    AtomicReference<String> served =
        new AtomicReference<>(new JWKSet(first.toPublicJWK()).toString());
    AtomicInteger fetches = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/jwks",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      MutableClock clock = new MutableClock(Instant.parse("2030-01-02T03:04:05Z"));
      TokenAuthenticator authenticator =
          TokenAuthenticator.builder("https://idp.example/token", SERVICE)
              .trust(
                  TrustedIssuer.builder("rotating")
                      .jwksUri(
                          URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks"))
                      .jwksRefetchInterval(Duration.ofSeconds(30))
                      .jwksMaxAge(Duration.ofMinutes(10))
                      .build())
              .clock(clock)
              .cacheSize(0)
              .build();

      assertThat(accepted(authenticator, token(first, "rotating", clock))).isTrue();
      assertThat(fetches.get()).isEqualTo(1);

      // A kid unknown right after a fetch: no fetch within the interval.
      assertThat(accepted(authenticator, token(second, "rotating", clock))).isFalse();
      assertThat(fetches.get()).isEqualTo(1);
      // Later, the issuer rotates to a key not published yet: one fetch, refused.
      clock.advance(Duration.ofSeconds(31));
      assertThat(accepted(authenticator, token(second, "rotating", clock))).isFalse();
      assertThat(fetches.get()).isEqualTo(2);
      // Published now, but within the interval: no fetch, however many tokens ask.
      served.set(new JWKSet(List.of(first.toPublicJWK(), second.toPublicJWK())).toString());
      for (int i = 0; i < 5; i++) {
        assertThat(accepted(authenticator, token(second, "rotating", clock))).isFalse();
      }
      assertThat(fetches.get()).isEqualTo(2);
      clock.advance(Duration.ofSeconds(31));
      assertThat(accepted(authenticator, token(second, "rotating", clock))).isTrue();
      assertThat(fetches.get()).isEqualTo(3);
      // A known kid needs no fetch until the copy is older than its maximum age.
      assertThat(accepted(authenticator, token(first, "rotating", clock))).isTrue();
      assertThat(fetches.get()).isEqualTo(3);

      // An oversized JWKS is refused and the keys fetched before are kept.
      served.set("{\"keys\":[" + " ".repeat(TrustedIssuer.MAX_JWKS_BYTES) + "]}");
      clock.advance(Duration.ofMinutes(11));
      assertThat(accepted(authenticator, token(second, "rotating", clock))).isTrue();
      assertThat(fetches.get()).isEqualTo(4);
      // A token from a key the issuer never published stays refused.
      ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("first").generate();
      assertThat(accepted(authenticator, token(stranger, "rotating", clock))).isFalse();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnreachableJwksRefusesTokensWithoutFailingTheRequest() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
    TokenAuthenticator authenticator =
        TokenAuthenticator.builder("https://idp.example/token", SERVICE)
            .trust(
                TrustedIssuer.builder("down")
                    .jwksUri(URI.create("http://127.0.0.1:1/jwks"))
                    .jwksTimeout(Duration.ofSeconds(2))
                    .build())
            .build();
    assertThat(accepted(authenticator, token(key, "down", Clock.systemUTC()))).isFalse();
  }

  @Test
  void keysGivenAsPemOrJwks() throws Exception {
    SigningKey other = SigningKey.generate(SigningKey.Algorithm.ES256, "other", Clock.systemUTC());
    ECKey jwk = new ECKeyGenerator(Curve.P_256).keyID("jwk-1").generate();
    TokenAuthenticator authenticator =
        TokenAuthenticator.builder("https://idp.example/token", SERVICE)
            .trust(TrustedIssuer.builder("pem").publicKeysPem(other.certificatePem()).build())
            .trust(
                TrustedIssuer.builder("public-key")
                    .publicKeysPem(TokenPem.encode("PUBLIC KEY", other.publicKey().getEncoded()))
                    .build())
            .trust(
                TrustedIssuer.builder("jwks")
                    .jwks(new JWKSet(jwk.toPublicJWK()).toString())
                    .build())
            .build();
    ECKey otherJwk =
        new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) other.publicKey())
            .privateKey(other.privateKey())
            .keyID(other.keyId())
            .build();
    assertThat(accepted(authenticator, token(otherJwk, "pem", Clock.systemUTC()))).isTrue();
    assertThat(accepted(authenticator, token(otherJwk, "public-key", Clock.systemUTC()))).isTrue();
    assertThat(accepted(authenticator, token(jwk, "jwks", Clock.systemUTC()))).isTrue();
    // each issuer's own keys only
    assertThat(accepted(authenticator, token(jwk, "pem", Clock.systemUTC()))).isFalse();
    assertThat(accepted(authenticator, token(otherJwk, "jwks", Clock.systemUTC()))).isFalse();
  }

  @Test
  void malformedIssuerConfigurationIsRefused() {
    assertThatThrownBy(() -> TrustedIssuer.builder("x").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TrustedIssuer.builder("x").publicKeysPem("nothing"))
        .hasMessageContaining("no PUBLIC KEY");
    assertThatThrownBy(() -> TrustedIssuer.builder("x").jwks("{\"keys\":7}"))
        .hasMessageContaining("malformed JWKS");
    assertThatThrownBy(() -> TrustedIssuer.builder("x").jwksUri(URI.create("file:///etc/passwd")))
        .hasMessageContaining("https or http");
    assertThatThrownBy(() -> TrustedIssuer.builder(""))
        .isInstanceOf(IllegalArgumentException.class);
    SigningKey key = TokenFixture.KEY;
    assertThatThrownBy(
            () ->
                TokenAuthenticator.builder("r", "s")
                    .trust(TrustedIssuer.of("same", key))
                    .trust(TrustedIssuer.of("same", key))
                    .build())
        .hasMessageContaining("trusted twice");
    assertThat(TrustedIssuer.of("wharf", key).toString()).contains("wharf").doesNotContain("BEGIN");
  }

  private static String token(ECKey key, String issuer, Clock clock) throws Exception {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject("dave")
            .audience(SERVICE)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)));
    return TokenAuthenticatorTest.sign(
        claims, JWSAlgorithm.ES256, new ECDSASigner(key), key.getKeyID());
  }

  private static boolean accepted(TokenAuthenticator authenticator, String token) {
    return authenticator.authenticate(
                context(), TokenFixture.headers("Authorization", "Bearer " + token))
            instanceof Authentication.Authenticated a
        && !a.identity().isAnonymous();
  }

  private static Identity identity(TokenAuthenticator authenticator, String token) {
    Authentication a =
        authenticator.authenticate(
            context(), TokenFixture.headers("Authorization", "Bearer " + token));
    assertThat(a).isInstanceOf(Authentication.Authenticated.class);
    return ((Authentication.Authenticated) a).identity();
  }

  private static RequestContext context() {
    return new RequestContext(
        "t",
        Instant.EPOCH,
        HttpMethod.GET,
        Endpoint.values()[0],
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Identity.ANONYMOUS,
        List.of(Access.login()));
  }

  private static Reply get(Registry registry, String target, String token) throws Exception {
    return TokenFixture.call(
        registry,
        HttpMethod.GET,
        target,
        TokenFixture.headers("Authorization", "Bearer " + token),
        Bytes.empty());
  }
}
