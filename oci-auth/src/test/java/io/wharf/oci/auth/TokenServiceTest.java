package io.wharf.oci.auth;

import static io.wharf.oci.auth.TokenFixture.SERVICE;
import static io.wharf.oci.auth.TokenFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.wharf.oci.auth.TokenFixture.Reply;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.server.Authorizer;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.RegistryEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The token endpoint: GET with Basic or anonymous, the OAuth 2 POST grants, and its events. */
class TokenServiceTest {

  private final TokenFixture f = new TokenFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private static String scope(String s) {
    return "&scope=" + URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** An entry of an access claim on a repository. */
  private static Map<String, Object> repo(String name, String... actions) {
    return Map.of("type", "repository", "name", name, "actions", List.of(actions));
  }

  private static JWTClaimsSet verifiedClaims(String token) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.verify(new ECDSAVerifier((ECPublicKey) TokenFixture.KEY.publicKey()))).isTrue();
    return jwt.getJWTClaimsSet();
  }

  @Test
  void getWithBasicCredentialsGrantsTheIntersectionActionByAction() throws Exception {
    Reply r =
        f.get(
            "/token?service="
                + SERVICE
                + scope("repository:team/app:pull,push,delete")
                + scope("repository:public/base:pull repository:secret/x:pull")
                + "&account=alice&client_id=docker",
            "Authorization",
            basic("alice", "alice-pw"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    Map<String, Object> json = r.json();
    assertThat(json.get("access_token")).isEqualTo(json.get("token"));
    assertThat(json.get("expires_in")).isEqualTo(300);
    assertThat(json.get("issued_at")).isEqualTo("2030-01-02T03:04:05Z");
    assertThat(json.get("scope"))
        .isEqualTo("repository:team/app:pull,push repository:public/base:pull");
    assertThat(json).doesNotContainKey("refresh_token");

    String token = (String) json.get("token");
    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(jwt.getHeader().getType()).isNull(); // not needed: kept out of every request
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(TokenFixture.KEY.keyId());
    assertThat(jwt.getHeader().getX509CertChain()).isNull();
    JWTClaimsSet claims = verifiedClaims(token);
    assertThat(claims.getIssuer()).isEqualTo(TokenFixture.ISSUER);
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getClaim("kind")).isNull(); // a user, the default
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(f.clock.instant());
    assertThat(claims.getNotBeforeTime()).isNull(); // it would be iat
    assertThat(claims.getExpirationTime().toInstant())
        .isEqualTo(f.clock.instant().plusSeconds(300));
    assertThat(claims.getJWTID()).isNull();
    // distribution 2.8 reads aud as one string, not a list
    String payload = jwt.getPayload().toString();
    assertThat(payload).contains("\"aud\":\"" + SERVICE + "\"");
    assertThat(claims.getClaim("access"))
        .isEqualTo(List.of(repo("team/app", "pull", "push"), repo("public/base", "pull")));
    assertThat(f.logins.asked).containsExactly("alice");

    List<RegistryEvent> events = f.events();
    assertThat(events)
        .extracting(RegistryEvent::kind)
        .containsExactly(RegistryEvent.Kind.LOGIN, RegistryEvent.Kind.TOKEN_ISSUED);
    assertThat(events.get(0).actor().name()).contains("alice");
    assertThat(events.get(1).scopes())
        .containsExactly("repository:team/app:pull,push", "repository:public/base:pull");
    assertThat(events.get(1).endpoint()).isEmpty();
  }

  @Test
  void anonymousGetsATokenWithWhatAnonymousMayDo() throws Exception {
    Reply r =
        f.get(
            "/token?service="
                + SERVICE
                + scope("repository:public/base:pull,push")
                + scope("repository:team/app:pull"));
    assertThat(r.status()).isEqualTo(200);
    JWTClaimsSet claims = verifiedClaims((String) r.json().get("token"));
    assertThat(claims.getSubject()).isEmpty();
    assertThat(claims.getClaim("kind")).isNull();
    assertThat(claims.getClaim("access")).isEqualTo(List.of(repo("public/base", "pull")));
    assertThat(f.logins.asked).isEmpty();
    assertThat(f.events())
        .extracting(RegistryEvent::kind)
        .containsExactly(RegistryEvent.Kind.TOKEN_ISSUED);
  }

  @Test
  void aScopeWithNothingAllowedIsLeftOutAndTheTokenStillIssued() throws Exception {
    Reply r =
        f.get(
            "/token?service="
                + SERVICE
                + scope("repository:secret/app:pull")
                + scope("registry:catalog:*"),
            "Authorization",
            basic("bob", "bob-pw"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(verifiedClaims((String) r.json().get("token")).getClaim("access"))
        .isEqualTo(List.of());
    assertThat(r.json().get("scope")).isEqualTo("");
  }

  @Test
  void groupsAndKindTravelInTheTokenSoThatTheRegistryCanAuthoriseAgain() throws Exception {
    JWTClaimsSet root =
        verifiedClaims(f.token("root", "root-pw", "registry:catalog:*", "repository:any/thing:*"));
    assertThat(root.getStringListClaim("groups")).containsExactly("admins", "ops");
    assertThat(root.getClaim("access"))
        .isEqualTo(
            List.of(
                Map.of("type", "registry", "name", "catalog", "actions", List.of("*")),
                repo("any/thing", "pull", "push", "delete")));
    JWTClaimsSet robot =
        verifiedClaims(f.token("robot$ci", "robot-secret", "repository:team/app:push"));
    assertThat(robot.getSubject()).isEqualTo("robot$ci");
    assertThat(robot.getClaim("kind")).isEqualTo("robot");
  }

  @Test
  void aPluginScopeKeepsItsClass() throws Exception {
    JWTClaimsSet claims =
        verifiedClaims(f.token("alice", "alice-pw", "repository(plugin):team/plug:pull"));
    assertThat(claims.getClaim("access"))
        .isEqualTo(
            List.of(
                Map.of(
                    "type",
                    "repository",
                    "class",
                    "plugin",
                    "name",
                    "team/plug",
                    "actions",
                    List.of("pull"))));
  }

  @Test
  void wrongCredentialsAre401WithABasicChallengeAndNothingElse() throws Exception {
    Reply r =
        f.get(
            "/token?service=" + SERVICE + scope("repository:team/app:pull"),
            "Authorization",
            basic("alice", "guess-1"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Basic realm=\"wharf\"");
    assertThat(r.json())
        .isEqualTo(
            Map.of(
                "errors",
                List.of(Map.of("code", "UNAUTHORIZED", "message", "invalid credentials"))));
    Reply unknown = f.get("/token?service=" + SERVICE, "Authorization", basic("nobody", "guess-2"));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.body()).isEqualTo(r.body()); // no telling unknown users from wrong passwords

    List<RegistryEvent> events = f.events();
    assertThat(events)
        .extracting(RegistryEvent::kind)
        .containsExactly(RegistryEvent.Kind.DENIED, RegistryEvent.Kind.DENIED);
    assertThat(events.get(0).status()).isEqualTo(401);
    assertThat(events.get(0).actor().name()).contains("alice");
    assertThat(events.get(0).reasons()).containsExactly("wrong password for alice");
    assertThat(events.toString()).doesNotContain("guess-1").doesNotContain("guess-2");
  }

  @Test
  void malformedBasicCredentialsAre401() throws Exception {
    for (String header :
        List.of(
            "Basic !!!",
            "Basic " + java.util.Base64.getEncoder().encodeToString("no-colon".getBytes()),
            "Bearer abc",
            "Basic " + "A".repeat(9000),
            basic("a\u0001b", "pw"),
            basic("x".repeat(300), "pw"))) {
      Reply r = f.get("/token?service=" + SERVICE, "Authorization", header);
      assertThat(r.status()).as(header).isEqualTo(401);
      assertThat(r.body()).contains("invalid credentials");
    }
    assertThat(f.logins.asked).isEmpty();
  }

  @Test
  void aThrottledLoginIs429WithRetryAfter() throws Exception {
    Reply r = f.get("/token?service=" + SERVICE, "Authorization", basic("mallory", "guess"));
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("Retry-After")).isEqualTo("30");
    assertThat(r.json().toString()).contains("TOOMANYREQUESTS");
    List<RegistryEvent> events = f.events();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(RegistryEvent.Kind.DENIED);
              assertThat(e.status()).isEqualTo(429);
            });
  }

  @Test
  void badRequestsAre400() throws Exception {
    assertThat(f.get("/token?service=elsewhere").status()).isEqualTo(400);
    assertThat(f.get("/token?service=" + SERVICE + "&service=" + SERVICE).status()).isEqualTo(400);
    assertThat(f.get("/token?scope=%ZZ").status()).isEqualTo(400);
    StringBuilder many = new StringBuilder("/token?service=" + SERVICE);
    for (int i = 0; i < 65; i++) {
      many.append("&scope=repository:a").append(i).append(":pull");
    }
    assertThat(f.get(many.toString()).status()).isEqualTo(400);
    assertThat(
            f.get(
                    "/token?service=" + SERVICE + "&account=bob",
                    "Authorization",
                    basic("alice", "alice-pw"))
                .status())
        .isEqualTo(400);
    assertThat(f.post("/token", "service=" + SERVICE).status()).isEqualTo(400);
    assertThat(f.post("/token", "grant_type=authorization_code&code=x").status()).isEqualTo(400);
    assertThat(f.post("/token", "grant_type=password&password=x").status()).isEqualTo(400);
    assertThat(f.post("/token", "grant_type=refresh_token").status()).isEqualTo(400);
    Reply notForm =
        TokenFixture.call(
            f.registry,
            HttpMethod.POST,
            "/token",
            TokenFixture.headers("Content-Type", "application/json"),
            Bytes.utf8("{}"));
    assertThat(notForm.status()).isEqualTo(400);
    Reply huge =
        f.post("/token", "grant_type=password&username=alice&password=" + "x".repeat(70_000));
    assertThat(huge.status()).isEqualTo(413);
    Reply put =
        TokenFixture.call(
            f.registry, HttpMethod.PUT, "/token", TokenFixture.headers(), Bytes.empty());
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.header("Allow")).isEqualTo("GET, POST");
  }

  @Test
  void passwordGrantWithOfflineAccessGivesARefreshTokenThatGetsNewAccessTokens() throws Exception {
    Reply r =
        f.post(
            "/token",
            "grant_type=password&username=alice&password=alice-pw&client_id=docker&access_type=offline&service="
                + SERVICE
                + "&scope="
                + URLEncoder.encode(
                    "repository:team/app:pull repository:team/lib:push", StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, Object> json = r.json();
    assertThat(json.get("scope")).isEqualTo("repository:team/app:pull repository:team/lib:push");
    String refresh = (String) json.get("refresh_token");
    assertThat(refresh).isNotNull();
    SignedJWT refreshJwt = SignedJWT.parse(refresh);
    assertThat(refreshJwt.getHeader().getType().getType()).isEqualTo("wharf-refresh+jwt");
    JWTClaimsSet refreshClaims = verifiedClaims(refresh);
    assertThat(refreshClaims.getSubject()).isEqualTo("alice");
    assertThat(refreshClaims.getClaim("token_use")).isEqualTo("refresh");
    assertThat(refreshClaims.getJWTID()).hasSizeGreaterThanOrEqualTo(22);
    assertThat(refreshClaims.getClaim("access")).isNull();
    assertThat(refreshClaims.getExpirationTime().toInstant())
        .isEqualTo(f.clock.instant().plusSeconds(86_400));

    f.clock.advance(java.time.Duration.ofHours(3)); // long after the access token expired
    Reply again =
        f.post(
            "/token",
            "grant_type=refresh_token&client_id=docker&service="
                + SERVICE
                + "&refresh_token="
                + refresh
                + "&scope=repository:team/other:pull,push");
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    JWTClaimsSet claims = verifiedClaims((String) again.json().get("token"));
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getClaim("access")).isEqualTo(List.of(repo("team/other", "pull", "push")));
    assertThat(again.json()).doesNotContainKey("refresh_token");
    assertThat(f.logins.asked).containsExactly("alice"); // the refresh needed no password

    f.clock.advance(java.time.Duration.ofDays(1));
    Reply expired =
        f.post(
            "/token", "grant_type=refresh_token&service=" + SERVICE + "&refresh_token=" + refresh);
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.body()).contains("invalid credentials");
  }

  @Test
  void getWithOfflineTokenGivesARefreshTokenButNotToAnonymous() throws Exception {
    Reply named =
        f.get(
            "/token?service=" + SERVICE + "&offline_token=true",
            "Authorization",
            basic("bob", "bob-pw"));
    assertThat(named.json()).containsKey("refresh_token");
    Reply anonymous = f.get("/token?service=" + SERVICE + "&offline_token=true");
    assertThat(anonymous.json()).doesNotContainKey("refresh_token");
  }

  @Test
  void aRefreshTokenIsBoundToItsService() throws Exception {
    String refresh =
        (String)
            f.get(
                    "/token?service=" + SERVICE + "&offline_token=true",
                    "Authorization",
                    basic("bob", "bob-pw"))
                .json()
                .get("refresh_token");
    TokenService other =
        TokenService.builder("other.test", TokenFixture.KEY, f.logins, Authorizer.allowAll())
            .issuer(TokenFixture.ISSUER)
            .build();
    var registry =
        io.wharf.oci.server.Registry.builder(io.wharf.oci.storage.RegistryStorage.inMemory())
            .clock(f.clock)
            .route("/token", other)
            .build();
    Reply r =
        TokenFixture.call(
            registry,
            HttpMethod.POST,
            "/token",
            TokenFixture.headers("Content-Type", "application/x-www-form-urlencoded"),
            Bytes.utf8("grant_type=refresh_token&refresh_token=" + refresh));
    assertThat(r.status()).isEqualTo(401);
    registry.close();
  }

  @Test
  void anAccessTokenIsNotARefreshToken() throws Exception {
    String access = f.token("alice", "alice-pw", "repository:team/app:pull");
    Reply r =
        f.post(
            "/token", "grant_type=refresh_token&service=" + SERVICE + "&refresh_token=" + access);
    assertThat(r.status()).isEqualTo(401);
    assertThat(f.logins.asked).containsExactly("alice"); // ours, so never handed to the verifiers
  }

  @Test
  void anIdentityTokenOfAnotherSystemIsCheckedByTheLogins() throws Exception {
    Reply r =
        f.post(
            "/token",
            "grant_type=refresh_token&service=" + SERVICE + "&refresh_token=opaque-identity-token");
    assertThat(r.status()).isEqualTo(401);
    assertThat(f.logins.asked).containsExactly(TokenService.IDENTITY_TOKEN_USER);
  }

  @Test
  void anotherLifetimeAndIssuerAreConfigurable() throws Exception {
    TokenService custom =
        TokenService.builder(SERVICE, TokenFixture.KEY, f.logins, Authorizer.allowAll())
            .issuer("custom")
            .realm("custom realm")
            .tokenLifetime(java.time.Duration.ofMinutes(15))
            .build();
    assertThat(custom.toString()).contains("custom").contains(TokenFixture.KEY.keyId());
    var registry =
        io.wharf.oci.server.Registry.builder(io.wharf.oci.storage.RegistryStorage.inMemory())
            .clock(Clock.fixed(f.clock.instant(), java.time.ZoneOffset.UTC))
            .route("/token", custom)
            .build();
    Reply r =
        TokenFixture.call(
            registry,
            HttpMethod.GET,
            "/token",
            TokenFixture.headers("Authorization", basic("alice", "x")),
            Bytes.empty());
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Basic realm=\"custom realm\"");
    Reply ok =
        TokenFixture.call(
            registry, HttpMethod.GET, "/token", TokenFixture.headers(), Bytes.empty());
    assertThat(ok.json().get("expires_in")).isEqualTo(900);
    assertThat(verifiedClaims((String) ok.json().get("token")).getIssuer()).isEqualTo("custom");
    registry.close();
  }
}
