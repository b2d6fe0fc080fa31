package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TokenService#serviceToken}: what the registry hands a service of its own (a scanner
 * adapter pulling what it scans) grants exactly what it names, in a private project where its
 * holder has no role; and nobody gets such powers through the token endpoint.
 */
class ServiceTokenTest {

  private static final RepositoryName APP = RepositoryName.of("team/app");

  @TempDir Path keys;
  private Registry registry;
  private TokenService tokens;
  private String admin;

  @BeforeEach
  void start() throws IOException {
    RegistryStorage storage = RegistryStorage.inMemory();
    RegistryAuth auth =
        RegistryAuth.builder(storage.metadata().access())
            .verifier(
                StaticUsers.builder()
                    .user("root", StaticUsers.hash("root-pw", 4))
                    .user("wharf-scanner", StaticUsers.hash("pw", 4))
                    .build())
            .tokens(SigningKey.loadOrCreate(keys), "wharf", "http://127.0.0.1/token")
            .systemAdmins(Set.of("root"))
            .clock(Clock.systemUTC())
            .build();
    auth.projects().create("team", false);
    registry = auth.applyTo(Registry.builder(storage)).build();
    tokens = auth.tokenService().orElseThrow();
    admin = basic("root", "root-pw");
    Bytes config = Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    Descriptor c = Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config);
    assertThat(upload("team/app", config, admin)).isEqualTo(201);
    assertThat(upload("team/other", config, admin)).isEqualTo(201);
    RawManifest m = ManifestCodec.defaults().encode(ImageManifest.of(c, List.of()));
    for (String repo : List.of("team/app", "team/other")) {
      RegistryResponse put =
          registry.handle(
              new RegistryRequest(
                  HttpMethod.PUT,
                  "/v2/" + repo + "/manifests/v1",
                  "",
                  Headers.builder()
                      .set("Content-Type", m.mediaType().value())
                      .set("Authorization", admin)
                      .build(),
                  m.bytes().openStream()));
      assertThat(put.status()).isEqualTo(201);
    }
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void aServiceTokenPullsWhatItNamesAndNothingElse() throws IOException {
    String bearer =
        "Bearer " + tokens.serviceToken("wharf-scanner", Set.of(Access.pull(APP)), Instant.now());
    assertThat(get("/v2/team/app/manifests/v1", bearer)).isEqualTo(200);
    assertThat(get("/v2/team/other/manifests/v1", bearer)).isIn(401, 403);
    assertThat(upload("team/app", Bytes.utf8("pushed by a scanner"), bearer)).isIn(401, 403);
    assertThat(get("/v2/_catalog", bearer)).isIn(401, 403);
  }

  @Test
  void aUserNamedLikeTheServiceGetsNoneOfItsPowersFromTheTokenEndpoint() throws IOException {
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(
                HttpMethod.GET,
                "/token",
                "service=wharf&scope=repository:team/app:pull",
                Headers.builder().set("Authorization", basic("wharf-scanner", "pw")).build(),
                Bytes.empty().openStream()));
    assertThat(r.status()).isEqualTo(200);
    String json = body(r);
    assertThat(json).contains("\"scope\":\"\"");
    String token = json.replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
    assertThat(get("/v2/team/app/manifests/v1", "Bearer " + token)).isIn(401, 403);
    String claims =
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    // A user's token names no kind (user is the default), and never the service's.
    assertThat(claims).doesNotContain("\"kind\"").doesNotContain("service\"");
  }

  @Test
  void aServiceTokenNamesItsHolderAndGrantsSomething() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> tokens.serviceToken("wharf-scanner", Set.of(), Instant.now()))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> tokens.serviceToken("x".repeat(65), Set.of(Access.pull(APP)), Instant.now()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private int get(String path, String authorization) throws IOException {
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(
                HttpMethod.GET,
                path,
                "",
                Headers.builder()
                    .set("Authorization", authorization)
                    .set("Accept", MediaType.OCI_IMAGE_MANIFEST.value())
                    .build(),
                Bytes.empty().openStream()));
    body(r);
    return r.status();
  }

  private int upload(String repo, Bytes blob, String authorization) throws IOException {
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(
                HttpMethod.POST,
                "/v2/" + repo + "/blobs/uploads/",
                "digest=" + io.wharf.oci.model.Digest.sha256(blob),
                Headers.builder()
                    .set("Authorization", authorization)
                    .set("Content-Length", Integer.toString(blob.size()))
                    .build(),
                blob.openStream()));
    body(r);
    return r.status();
  }

  private static String body(RegistryResponse r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.body().isPresent()) {
      r.body().get().writeTo(out);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
