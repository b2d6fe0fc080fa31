package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.client.testsupport.DockerRegistryProcess;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.layout.OciLayoutWriter;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.TestEnvironment;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.jdk.RegistryServer;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CNCF distribution (Debian's {@code docker-registry} 2.8) trusts Wharf: its {@code auth: token:}
 * names Wharf's token service as realm and Wharf's {@code token-signing-cert.pem} as its root
 * certificate bundle, and {@code skopeo} pushes to it with a token Wharf issued. A user Wharf does
 * not let push is refused by distribution. Skipped without docker-registry or skopeo, except under
 * {@code CI=true}.
 */
class WharfTokensDistributionIT {

  private static final String SERVICE = "distribution.test";
  private static final String ISSUER = "wharf";

  @TempDir Path temp;

  @BeforeAll
  static void requireTools() {
    DockerRegistryProcess.requireAvailable();
    TestEnvironment.requireProgram("skopeo");
  }

  @Test
  void distributionAcceptsWharfsTokensAndOnlyForWhatTheyGrant() throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    SigningKey key = SigningKey.loadOrCreate(data);
    TokenService tokens =
        TokenService.builder(SERVICE, key, TokenFixture.logins(), TokenFixture.AUTHORIZER)
            .issuer(ISSUER)
            .build();
    List<RegistryEvent> events = new CopyOnWriteArrayList<>();
    Registry wharf =
        Registry.builder(RegistryStorage.inMemory())
            .route("/token", tokens)
            .addListener(events::add)
            .build();
    Path layout = image(temp.resolve("layout"));
    try (RegistryServer server = wharf.listen(new InetSocketAddress("127.0.0.1", 0));
        DockerRegistryProcess distribution =
            DockerRegistryProcess.start(
                DockerRegistryProcess.Auth.token(
                    server.uri().resolve("/token"),
                    SERVICE,
                    ISSUER,
                    data.resolve(SigningKey.CERTIFICATE_FILE)))) {
      String target = "docker://" + distribution.host() + "/team/app:v1";

      Result push =
          skopeo(
              "copy",
              "--dest-creds",
              "alice:alice-pw",
              "--dest-tls-verify=false",
              "oci:" + layout + ":v1",
              target);
      assertThat(push.exit()).as(push.output() + distribution.log()).isZero();

      Result inspect = skopeo("inspect", "--creds", "bob:bob-pw", "--tls-verify=false", target);
      assertThat(inspect.exit()).as(inspect.output()).isZero();
      assertThat(inspect.output()).contains("\"Architecture\": \"amd64\"");

      // bob may pull team/* but not push: Wharf leaves push out of his token, distribution refuses.
      Result refused =
          skopeo(
              "copy",
              "--dest-creds",
              "bob:bob-pw",
              "--dest-tls-verify=false",
              "oci:" + layout + ":v1",
              "docker://" + distribution.host() + "/team/app:v2");
      assertThat(refused.exit()).as(refused.output()).isNotZero();
      assertThat(refused.output().toLowerCase())
          .containsAnyOf("denied", "unauthorized", "authentication required");

      // Wrong credentials never get a token.
      Result wrong = skopeo("inspect", "--creds", "alice:wrong", "--tls-verify=false", target);
      assertThat(wrong.exit()).isNotZero();
    } finally {
      wharf.close();
    }
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo(RegistryEvent.Kind.TOKEN_ISSUED);
              assertThat(e.actor().name()).contains("alice");
              assertThat(e.scopes()).contains("repository:team/app:pull,push");
            });
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo(RegistryEvent.Kind.TOKEN_ISSUED);
              assertThat(e.actor().name()).contains("bob");
              assertThat(e.scopes()).doesNotContain("repository:team/app:pull,push");
            });
    assertThat(events.toString()).doesNotContain("alice-pw").doesNotContain("bob-pw");
  }

  /** A one-layer linux/amd64 image as an OCI layout, tagged v1. */
  private static Path image(Path dir) throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(new byte[1024]); // an empty tar: two zero blocks
    }
    Bytes layerBytes = Bytes.of(gz.toByteArray());
    try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(dir)) {
      Descriptor layer = writer.writeBlob(MediaType.OCI_LAYER_TAR_GZIP, layerBytes);
      Descriptor config =
          writer.writeBlob(
              MediaType.OCI_IMAGE_CONFIG,
              Bytes.utf8(
                  "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                      + "\"diff_ids\":[\"sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef\"]}}"));
      Descriptor manifest =
          writer.writeManifest(
              ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer))));
      writer.add(manifest, new Tag("v1"));
    }
    return dir;
  }

  private record Result(int exit, String output) {}

  /** Runs skopeo with a fresh {@code HOME}, stdout and stderr together. */
  private Result skopeo(String... args) throws IOException, InterruptedException {
    Path skopeo = TestEnvironment.requireProgram("skopeo");
    List<String> command = new ArrayList<>(List.of(skopeo.toString(), "--insecure-policy"));
    command.addAll(List.of(args));
    Path home = Files.createTempDirectory(temp, "home-");
    Path out = home.resolve("output");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("skopeo " + String.join(" ", args) + " did not finish in 3 minutes");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
