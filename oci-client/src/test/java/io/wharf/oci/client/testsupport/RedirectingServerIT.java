package io.wharf.oci.client.testsupport;

import static io.wharf.oci.client.testsupport.RegistryHttp.CLIENT;
import static io.wharf.oci.client.testsupport.RegistryHttp.basic;
import static io.wharf.oci.client.testsupport.RegistryHttp.bearer;
import static io.wharf.oci.client.testsupport.RegistryHttp.challenge;
import static io.wharf.oci.client.testsupport.RegistryHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.testsupport.TokenServer.Grant;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token-auth {@code docker-registry} behind {@link RedirectingServer#frontFor(String)}: blob GETs
 * are redirected to the second server, which must never see the registry's Authorization.
 */
class RedirectingServerIT {

  @TempDir Path temp;

  @BeforeAll
  static void requireRegistry() {
    DockerRegistryProcess.requireAvailable();
  }

  private static String token(TokenServer tokens, String scope) throws Exception {
    URI uri =
        URI.create(
            tokens.realm()
                + "?service="
                + tokens.service()
                + "&scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    HttpResponse<String> r = get(uri, Optional.of(basic("alice", "alice-pw")));
    assertThat(r.statusCode()).isEqualTo(200);
    return (String) Json.parseObject(r.body()).get("token");
  }

  @Test
  void blobGetsAreRedirectedAndTheSecondServerNeverSeesAuthorization() throws Exception {
    try (TokenServer tokens =
            TokenServer.builder()
                .user("alice", "alice-pw", Grant.repository("cdn/*", "pull", "push"))
                .start(temp);
        DockerRegistryProcess registry = DockerRegistryProcess.start(tokens.registryAuth());
        RedirectingServer cdn = RedirectingServer.start();
        FaultProxy front = cdn.frontFor(registry.host())) {
      byte[] blob = new byte[300_000];
      new Random(7).nextBytes(blob);
      String digest = RegistryHttp.sha256(blob);
      String auth = bearer(token(tokens, "repository:cdn/app:pull,push"));
      assertThat(RegistryHttp.pushBlob(front.baseUri(), "cdn/app", blob, Optional.of(auth)))
          .isEqualTo(201);
      URI blobUri = front.baseUri().resolve("/v2/cdn/app/blobs/" + digest);

      // without a token, the registry itself answers: no redirect to anyone
      HttpResponse<String> anonymous = get(blobUri, Optional.empty());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(challenge(anonymous)).containsEntry("scope", "repository:cdn/app:pull");
      assertThat(cdn.redirects()).isZero();

      // with one: 307 to the second server
      HttpResponse<String> redirected = get(blobUri, Optional.of(auth));
      assertThat(redirected.statusCode()).isEqualTo(307);
      URI location = URI.create(redirected.headers().firstValue("Location").orElseThrow());
      assertThat(location.getPort()).isEqualTo(cdn.baseUri().getPort());
      assertThat(cdn.redirects()).isEqualTo(1);

      // a client that follows properly drops Authorization for the other host. (The JDK
      // HttpClient 17 with Redirect.NORMAL does NOT: it re-sends user headers to any host, so a
      // client built on it must follow blob redirects itself, as here.)
      HttpResponse<byte[]> followed =
          CLIENT.send(
              HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(followed.statusCode()).isEqualTo(200);
      assertThat(followed.body()).isEqualTo(blob);

      // ranged reads work there too (a client resuming after a cut)
      HttpResponse<byte[]> ranged =
          CLIENT.send(
              HttpRequest.newBuilder(location).header("Range", "bytes=1000-").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(ranged.statusCode()).isEqualTo(206);
      assertThat(ranged.headers().firstValue("Content-Range")).contains("bytes 1000-299999/300000");
      assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(blob, 1000, blob.length));

      assertThat(cdn.requests()).hasSize(2);
      assertThat(cdn.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    }
  }

  @Test
  void theRecorderSeesALeakedAuthorization() throws Exception {
    try (RedirectingServer cdn = RedirectingServer.start()) {
      URI uri = cdn.put("/blobs/x", "content".getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> r = get(uri, Optional.of("Bearer leaked"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("content");
      assertThat(cdn.requests())
          .singleElement()
          .satisfies(
              req -> {
                assertThat(req.method()).isEqualTo("GET");
                assertThat(req.target()).isEqualTo("/blobs/x");
                assertThat(req.header("authorization")).contains("Bearer leaked");
              });
      assertThat(get(cdn.uri("/missing"), Optional.empty()).statusCode()).isEqualTo(404);
      HttpResponse<String> bad =
          CLIENT.send(
              HttpRequest.newBuilder(uri).header("Range", "bytes=7-").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(416);
      assertThat(bad.headers().firstValue("Content-Range")).contains("bytes */7");
    }
  }
}
