package io.wharf.oci.client.auth;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.letters;
import static io.wharf.oci.model.testing.OciGenerators.unchecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.ref.RegistryHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real config shapes (containers/image and regclient test data) and a credential helper. */
class DockerConfigTest {

  private static final Path FIXTURES = Path.of("src/test/resources/fixtures/auth/docker-config");

  private static Credential at(DockerConfig config, String host) throws IOException {
    return config.credentialFor(new RegistryHost(host));
  }

  @Test
  void fullConfigWithHostsPortsAndAnHttpsKey() throws IOException {
    DockerConfig c = DockerConfig.load(FIXTURES.resolve("containers-image-full.json"));
    assertThat(at(c, "example.org")).isEqualTo(Credential.basic("example", "org"));
    assertThat(at(c, "docker.io")).isEqualTo(Credential.basic("docker", "io"));
    assertThat(at(c, "index.docker.io")).isEqualTo(Credential.basic("index", "docker.io"));
    assertThat(at(c, "localhost:5000")).isEqualTo(Credential.basic("local", "host-5000"));
    assertThat(at(c, "10.10.30.45:5000")).isEqualTo(Credential.basic("10.10", "30.45-5000"));
    assertThat(at(c, "normalize.example.org")).isEqualTo(Credential.basic("normalize", "example"));
    assertThat(at(c, "unknown.example")).isEqualTo(Credential.anonymous());
  }

  @Test
  void abnormalKeysAreNormalisedAndHubAliasesMeet() throws IOException {
    DockerConfig c = DockerConfig.load(FIXTURES.resolve("containers-image-abnormal.json"));
    assertThat(at(c, "docker.io")).isEqualTo(Credential.basic("index", "docker.io"));
    assertThat(at(c, "127.0.0.1:5000")).isEqualTo(Credential.basic("127.0", "0.1-5000"));
    assertThat(at(c, "localhost")).isEqualTo(Credential.basic("local", "host"));
    assertThat(at(c, "localhost:5001")).isEqualTo(Credential.basic("local", "host-5001"));
  }

  @Test
  void legacyDockercfgWithoutAuths() throws IOException {
    DockerConfig c = DockerConfig.load(FIXTURES.resolve("containers-image-legacy.json"));
    assertThat(at(c, "docker.io")).isEqualTo(Credential.basic("docker", "io-legacy"));
    assertThat(at(c, "localhost")).isEqualTo(Credential.basic("local", "host-legacy"));
  }

  @Test
  void identityTokenWinsOverAuth() throws IOException {
    DockerConfig c =
        DockerConfig.load(FIXTURES.resolve("containers-image-example_identitytoken.json"));
    Credential cred = at(c, "example.org");
    assertThat(cred).isEqualTo(Credential.identityToken("some very long identity token"));
    assertThat(cred.toString()).doesNotContain("long identity");
  }

  @Test
  void credHelpersAndCredsStoreRunTheHelperProgram(@TempDir Path dir) throws IOException {
    writeHelper(dir, "test", "helper-user", "helper-secret");
    writeHelper(dir, "teststore", "<token>", "store-token");
    DockerConfig c =
        DockerConfig.load(FIXTURES.resolve("regclient-config.json")).withHelperDirectory(dir);

    // credHelpers names this host: the helper answers, with the host on its standard input.
    assertThat(at(c, "testhost.example.com"))
        .isEqualTo(Credential.basic("helper-user", "helper-secret@testhost.example.com"));
    // Docker Hub's key in credHelpers is the legacy URL; the helper gets that URL.
    assertThat(at(c, "docker.io"))
        .isEqualTo(Credential.basic("helper-user", "helper-secret@https://index.docker.io/v1/"));
    // An inline auth beats the store.
    assertThat(at(c, "localhost:5001")).isEqualTo(Credential.basic("hello", "docker"));
    // Everything else goes to credsStore; "<token>" means an identity token.
    assertThat(at(c, "other.example"))
        .isEqualTo(Credential.identityToken("store-token@other.example"));
  }

  @Test
  void helperThatKnowsNothingMeansAnonymousAndAMissingHelperFails(@TempDir Path dir)
      throws IOException {
    Path script = dir.resolve("docker-credential-none");
    Files.writeString(
        script,
        "#!/bin/sh\ncat >/dev/null\necho 'credentials not found in native keychain'\nexit 1\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    DockerConfig none =
        DockerConfig.parse("{\"credsStore\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            .withHelperDirectory(dir);
    assertThat(at(none, "x.example")).isEqualTo(Credential.anonymous());

    DockerConfig missing =
        DockerConfig.parse("{\"credsStore\":\"absent-helper\"}".getBytes(StandardCharsets.UTF_8))
            .withHelperDirectory(dir);
    assertThatThrownBy(() -> at(missing, "x.example")).isInstanceOf(IOException.class);
    assertThatThrownBy(
            () ->
                DockerConfig.parse("{\"credsStore\":\"../evil\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void missingFileIsEmptyAndMalformedFilesAreRefused(@TempDir Path dir) throws IOException {
    assertThat(at(DockerConfig.load(dir.resolve("absent.json")), "a.example"))
        .isEqualTo(Credential.anonymous());
    assertThatThrownBy(() -> DockerConfig.parse("[]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () ->
                DockerConfig.parse(
                    "{\"auths\":{\"a.example\":{\"auth\":\"%%%\"}}}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessageNotContaining("%%%");
  }

  @Test
  void anyUserAndPasswordRoundTripThroughAuth() {
    qt().forAll(letters(1, 30), anyStrings(0, 40))
        .checkAssert((user, password) -> unchecked(() -> roundTripThroughAuth(user, password)));
  }

  private static void roundTripThroughAuth(String user, String password) throws IOException {
    String auth =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    String json = "{\"auths\":{\"https://r.example/v1/\":{\"auth\":\"" + auth + "\"}}}";
    DockerConfig c = DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8));
    Credential expected =
        password.isEmpty() ? Credential.basic(user, "") : Credential.basic(user, password);
    assertThat(at(c, "r.example")).isEqualTo(expected);
    assertThat(at(c, "r.example").toString()).doesNotContain(":" + password + "]");
  }

  /** A helper answering {@code {"Username": user, "Secret": secret@<stdin>}}. */
  private static void writeHelper(Path dir, String name, String user, String secret)
      throws IOException {
    Path script = dir.resolve("docker-credential-" + name);
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "[ \"$1\" = get ] || exit 2\n"
            + "read -r server\n"
            + "printf '{\"ServerURL\":\"%s\",\"Username\":\""
            + user
            + "\",\"Secret\":\""
            + secret
            + "@%s\"}' \"$server\" \"$server\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
