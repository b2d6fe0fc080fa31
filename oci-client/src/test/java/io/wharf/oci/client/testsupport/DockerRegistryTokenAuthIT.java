package io.wharf.oci.client.testsupport;

import static io.wharf.oci.client.testsupport.RegistryHttp.bearer;
import static io.wharf.oci.client.testsupport.RegistryHttp.challenge;
import static io.wharf.oci.client.testsupport.RegistryHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.testsupport.TokenServer.Access;
import io.wharf.oci.client.testsupport.TokenServer.Grant;
import io.wharf.oci.client.testsupport.TokenServer.KeyReference;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real {@code docker-registry} in token mode, trusting a {@link TokenServer}: the Docker token
 * flow end to end, with the JDK HttpClient only.
 */
class DockerRegistryTokenAuthIT {

  @TempDir Path temp;

  @BeforeAll
  static void requireRegistry() {
    DockerRegistryProcess.requireAvailable();
  }

  private static TokenServer.Builder tokens() {
    return TokenServer.builder()
        .user("alice", "alice-pw", Grant.repository("team/*", "pull", "push"))
        .user("reader", "reader-pw", Grant.repository("team/*", "pull"))
        .anonymous(Grant.repository("public/*", "pull"));
  }

  private static String fetchToken(
      TokenServer server, Map<String, String> challenge, String scope, Optional<String> credentials)
      throws Exception {
    String url =
        challenge.get("realm")
            + "?service="
            + URLEncoder.encode(challenge.get("service"), StandardCharsets.UTF_8)
            + "&scope="
            + URLEncoder.encode(scope, StandardCharsets.UTF_8);
    HttpResponse<String> r = get(URI.create(url), credentials);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, Object> json = Json.parseObject(r.body());
    assertThat(json.get("access_token")).isEqualTo(json.get("token"));
    return (String) json.get("token");
  }

  /** Every signing algorithm and key reference the server offers is accepted by distribution. */
  @ParameterizedTest
  @CsvSource({"ES256, X5C", "ES256, KID", "RS256, X5C", "RS256, KID"})
  void distributionAcceptsTheTokens(SigningKey.Algorithm alg, KeyReference ref) throws Exception {
    try (TokenServer server = tokens().algorithm(alg).keyReference(ref).start(temp);
        DockerRegistryProcess registry = DockerRegistryProcess.start(server.registryAuth())) {
      HttpResponse<String> anonymous = get(registry.baseUri().resolve("/v2/"), Optional.empty());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      Map<String, String> c = challenge(anonymous);
      assertThat(c)
          .containsEntry("scheme", "Bearer")
          .containsEntry("realm", server.realm().toString())
          .containsEntry("service", server.service());

      String token =
          fetchToken(
              server,
              c,
              "repository:team/app:pull",
              Optional.of(RegistryHttp.basic("alice", "alice-pw")));
      assertThat(TokenServer.header(token)).containsEntry("alg", alg.name());
      HttpResponse<String> ok = get(registry.baseUri().resolve("/v2/"), Optional.of(bearer(token)));
      assertThat(ok.statusCode()).as(registry.log()).isEqualTo(200);
    }
  }

  @Test
  void challengeScopeTokenAndPushPermissions() throws Exception {
    try (TokenServer server = tokens().start(temp);
        DockerRegistryProcess registry = DockerRegistryProcess.start(server.registryAuth())) {
      URI base = registry.baseUri();
      byte[] blob = "a small blob pushed with a token\n".getBytes(StandardCharsets.UTF_8);
      String digest = RegistryHttp.sha256(blob);

      // the challenge of a repository request names the scope it needs
      HttpResponse<String> denied =
          get(base.resolve("/v2/team/app/blobs/" + digest), Optional.empty());
      assertThat(denied.statusCode()).isEqualTo(401);
      Map<String, String> c = challenge(denied);
      assertThat(c).containsEntry("scope", "repository:team/app:pull");

      // a pull-only token cannot push
      String readerToken =
          fetchToken(
              server,
              c,
              "repository:team/app:pull,push",
              Optional.of(RegistryHttp.basic("reader", "reader-pw")));
      assertThat(TokenServer.claims(readerToken).get("access"))
          .isEqualTo(
              List.of(
                  Map.of("type", "repository", "name", "team/app", "actions", List.of("pull"))));
      assertThat(RegistryHttp.pushBlob(base, "team/app", blob, Optional.of(bearer(readerToken))))
          .isEqualTo(401);

      // a push token can
      String pushToken =
          fetchToken(
              server,
              c,
              "repository:team/app:pull,push",
              Optional.of(RegistryHttp.basic("alice", "alice-pw")));
      assertThat(RegistryHttp.pushBlob(base, "team/app", blob, Optional.of(bearer(pushToken))))
          .isEqualTo(201);

      // and the pull-only token now reads it back
      HttpResponse<String> pulled =
          get(base.resolve("/v2/team/app/blobs/" + digest), Optional.of(bearer(readerToken)));
      assertThat(pulled.statusCode()).isEqualTo(200);
      assertThat(pulled.body()).isEqualTo(new String(blob, StandardCharsets.UTF_8));

      // a token for another repository does not open this one
      String otherRepo =
          fetchToken(
              server,
              c,
              "repository:team/other:pull",
              Optional.of(RegistryHttp.basic("alice", "alice-pw")));
      HttpResponse<String> wrongScope =
          get(base.resolve("/v2/team/app/blobs/" + digest), Optional.of(bearer(otherRepo)));
      assertThat(wrongScope.statusCode()).isEqualTo(401);
      assertThat(challenge(wrongScope)).containsEntry("error", "insufficient_scope");

      assertThat(server.tokenRequests()).isEqualTo(3);
    }
  }

  @Test
  void expiredAndForeignTokensAreRefused() throws Exception {
    try (TokenServer server = tokens().start(temp);
        DockerRegistryProcess registry = DockerRegistryProcess.start(server.registryAuth())) {
      URI v2 = registry.baseUri().resolve("/v2/");
      List<Access> access = List.of(new Access("repository", "team/app", List.of("pull")));
      Instant now = Clock.systemUTC().instant();

      String fresh = server.mintToken("alice", access, now, Duration.ofMinutes(5));
      assertThat(get(v2, Optional.of(bearer(fresh))).statusCode()).isEqualTo(200);

      // distribution allows 60 s of clock skew, so expire it well before that
      String expired =
          server.mintToken(
              "alice", access, now.minus(Duration.ofMinutes(10)), Duration.ofMinutes(5));
      HttpResponse<String> r = get(v2, Optional.of(bearer(expired)));
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(challenge(r)).containsEntry("error", "invalid_token");

      SigningKey stranger =
          SigningKey.generate(SigningKey.Algorithm.ES256, server.issuer(), Clock.systemUTC());
      String foreign =
          server.mintToken(stranger, KeyReference.X5C, "alice", access, now, Duration.ofMinutes(5));
      assertThat(get(v2, Optional.of(bearer(foreign))).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void anonymousPullOfAPublicRepository() throws Exception {
    try (TokenServer server = tokens().start(temp);
        DockerRegistryProcess registry = DockerRegistryProcess.start(server.registryAuth())) {
      URI tags = registry.baseUri().resolve("/v2/public/base/tags/list");
      HttpResponse<String> first = get(tags, Optional.empty());
      Map<String, String> c = challenge(first);
      String token = fetchToken(server, c, c.get("scope"), Optional.empty());
      // authorised: the repository does not exist, so NAME_UNKNOWN, not 401
      HttpResponse<String> r = get(tags, Optional.of(bearer(token)));
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).contains("NAME_UNKNOWN");
      assertThat(server.requests().get(0).grantType()).isEqualTo("anonymous");

      String none =
          fetchToken(
              server,
              challenge(
                  get(registry.baseUri().resolve("/v2/team/app/tags/list"), Optional.empty())),
              "repository:team/app:pull",
              Optional.empty());
      assertThat(TokenServer.claims(none).get("access")).isEqualTo(List.of());
      assertThat(
              get(registry.baseUri().resolve("/v2/team/app/tags/list"), Optional.of(bearer(none)))
                  .statusCode())
          .isEqualTo(401);
    }
  }
}
