package io.wharf.oci.client.testsupport;

import static io.wharf.oci.client.testsupport.RegistryHttp.CLIENT;
import static io.wharf.oci.client.testsupport.RegistryHttp.basic;
import static io.wharf.oci.client.testsupport.RegistryHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.testsupport.TokenServer.Access;
import io.wharf.oci.client.testsupport.TokenServer.Grant;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenServerTest {

  private static final Instant NOW = Instant.parse("2031-05-06T07:08:09Z");

  @TempDir Path temp;
  private TokenServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        TokenServer.builder()
            .service("svc")
            .issuer("iss")
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .tokenLifetime(Duration.ofSeconds(90))
            .user(
                "alice",
                "pw",
                Grant.repository("team/*", "pull", "push"),
                new Grant("registry", "catalog", java.util.Set.of("*")))
            .user("bob", "pw2", Grant.repository("team/app", "pull"))
            .anonymous(Grant.repository("public/*", "pull"))
            .start(temp);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private URI tokenUri(String query) {
    return URI.create(server.realm() + "?" + query);
  }

  private HttpResponse<String> post(String form) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(server.realm())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> access(String token) {
    return (List<Map<String, Object>>) TokenServer.claims(token).get("access");
  }

  @Test
  void grantsTheIntersectionOfScopesAndGrants() throws Exception {
    HttpResponse<String> r =
        get(
            tokenUri(
                "service=svc&scope=repository:team/app:pull,push,delete"
                    + "&scope=repository:other/app:pull&scope=registry:catalog:*"
                    + "&scope=repository%3Ateam%2Fb%3Apull+repository%3Ateam%2Fc%3Apush"),
            Optional.of(basic("alice", "pw")));
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> body = Json.parseObject(r.body());
    assertThat(body.get("expires_in")).isEqualTo(new BigDecimal(90));
    assertThat(body.get("issued_at")).isEqualTo(NOW.toString());
    assertThat(body).doesNotContainKey("refresh_token");
    String token = (String) body.get("token");
    assertThat(access(token))
        .containsExactly(
            Map.of("type", "repository", "name", "team/app", "actions", List.of("pull", "push")),
            Map.of("type", "registry", "name", "catalog", "actions", List.of("*")),
            Map.of("type", "repository", "name", "team/b", "actions", List.of("pull")),
            Map.of("type", "repository", "name", "team/c", "actions", List.of("push")));
    Map<String, Object> claims = TokenServer.claims(token);
    assertThat(claims)
        .containsEntry("iss", "iss")
        .containsEntry("sub", "alice")
        .containsEntry("aud", "svc")
        .containsEntry("iat", new BigDecimal(NOW.getEpochSecond()))
        .containsEntry("nbf", new BigDecimal(NOW.getEpochSecond()))
        .containsEntry("exp", new BigDecimal(NOW.getEpochSecond() + 90))
        .containsKey("jti");
    assertThat(server.requests())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.grantType()).isEqualTo("password");
              assertThat(q.user()).contains("alice");
              assertThat(q.scopes()).hasSize(5);
              assertThat(q.status()).isEqualTo(200);
            });
  }

  @Test
  void theSignatureVerifiesWithTheX5cCertificate() throws Exception {
    String token =
        (String)
            Json.parseObject(get(tokenUri("service=svc"), Optional.empty()).body()).get("token");
    Map<String, Object> header = TokenServer.header(token);
    assertThat(header).containsEntry("typ", "JWT").containsEntry("alg", "ES256");
    assertThat(header.get("x5c")).isEqualTo(List.of(server.signingKey().certificateBase64()));
    String[] parts = token.split("\\.");
    Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
    v.initVerify(server.signingKey().certificate());
    v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(v.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    assertThat(Files.readString(server.rootCertBundle()))
        .isEqualTo(server.signingKey().certificatePem());
    assertThat(TokenServer.claims(token))
        .containsEntry("sub", "")
        .containsEntry("access", List.of());
  }

  @Test
  void anonymousGetsOnlyItsGrants() throws Exception {
    HttpResponse<String> r =
        get(
            tokenUri(
                "service=svc&scope=repository:public/x:pull,push&scope=repository:team/app:pull"),
            Optional.empty());
    assertThat(access((String) Json.parseObject(r.body()).get("token")))
        .containsExactly(
            Map.of("type", "repository", "name", "public/x", "actions", List.of("pull")));
    assertThat(server.requests().get(0).grantType()).isEqualTo("anonymous");
    assertThat(server.requests().get(0).user()).isEmpty();
  }

  @Test
  void wrongCredentialsAndServiceAreRefused() throws Exception {
    HttpResponse<String> wrong = get(tokenUri("service=svc"), Optional.of(basic("alice", "nope")));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate"))
        .get()
        .asString()
        .startsWith("Basic ");
    assertThat(get(tokenUri("service=svc"), Optional.of(basic("nobody", "pw"))).statusCode())
        .isEqualTo(401);
    assertThat(get(tokenUri("service=svc"), Optional.of("Bearer x")).statusCode()).isEqualTo(401);
    assertThat(get(tokenUri("service=other"), Optional.empty()).statusCode()).isEqualTo(400);
    assertThat(server.tokenRequests()).isEqualTo(4);
  }

  @Test
  void oauthPasswordAndRefreshGrants() throws Exception {
    HttpResponse<String> r =
        post(
            "grant_type=password&client_id=wharf&service=svc&username=bob&password=pw2"
                + "&access_type=offline&scope=repository%3Ateam%2Fapp%3Apull%2Cpush");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> body = Json.parseObject(r.body());
    String refresh = (String) body.get("refresh_token");
    assertThat(refresh).isNotBlank();
    assertThat(access((String) body.get("access_token")))
        .containsExactly(
            Map.of("type", "repository", "name", "team/app", "actions", List.of("pull")));

    HttpResponse<String> refreshed =
        post(
            "grant_type=refresh_token&client_id=wharf&service=svc&refresh_token="
                + refresh
                + "&scope=repository%3Ateam%2Fapp%3Apull");
    assertThat(refreshed.statusCode()).isEqualTo(200);
    assertThat(TokenServer.claims((String) Json.parseObject(refreshed.body()).get("token")))
        .containsEntry("sub", "bob");

    assertThat(
            post("grant_type=refresh_token&client_id=wharf&service=svc&refresh_token=x")
                .statusCode())
        .isEqualTo(401);
    assertThat(post("grant_type=password&service=svc&username=bob&password=pw2").statusCode())
        .as("client_id is required")
        .isEqualTo(400);
    assertThat(
            post("grant_type=password&client_id=c&service=svc&username=bob&password=x")
                .statusCode())
        .isEqualTo(401);
    assertThat(post("grant_type=magic&client_id=c&service=svc").statusCode()).isEqualTo(400);
    assertThat(server.requests())
        .extracting(TokenServer.TokenRequest::grantType)
        .containsExactly(
            "password", "refresh_token", "refresh_token", "password", "password", "magic");
  }

  @Test
  void offlineTokenOnGet() throws Exception {
    HttpResponse<String> r =
        get(tokenUri("service=svc&offline_token=true"), Optional.of(basic("alice", "pw")));
    assertThat(Json.parseObject(r.body())).containsKey("refresh_token");
  }

  @Test
  void injectedFailuresAndLifetime() throws Exception {
    server.failNext(2, 503);
    assertThat(get(tokenUri("service=svc"), Optional.empty()).statusCode()).isEqualTo(503);
    assertThat(get(tokenUri("service=svc"), Optional.empty()).statusCode()).isEqualTo(503);
    server.tokenLifetime(Duration.ofSeconds(5));
    HttpResponse<String> ok = get(tokenUri("service=svc"), Optional.empty());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(Json.parseObject(ok.body()).get("expires_in")).isEqualTo(new BigDecimal(5));
    assertThat(server.tokenRequests()).isEqualTo(3);
    server.clearRequests();
    assertThat(server.tokenRequests()).isZero();
  }

  @Test
  void scopesParse() {
    assertThat(Access.parseScope("repository:localhost:5000/a/b:pull,push"))
        .isEqualTo(new Access("repository", "localhost:5000/a/b", List.of("pull", "push")));
    assertThat(Access.parseScope("repository(plugin):a:pull").type()).isEqualTo("repository");
    assertThat(Access.parseScope("registry:catalog:*").scope()).isEqualTo("registry:catalog:*");
  }
}
