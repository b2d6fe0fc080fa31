package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WharfConfigTest {

  @TempDir Path dir;

  private static WharfConfig parse(String yaml) throws ConfigException {
    return WharfConfig.parse(yaml, "wharf.yaml", Path.of("/etc/wharf"));
  }

  @Test
  void readsEveryKey() throws Exception {
    WharfConfig c =
        parse(
            String.join(
                "\n",
                "# a comment",
                "listen: 0.0.0.0:5001",
                "data: ./data",
                "deletes: false",
                "uploadExpiry: 1h30m",
                "maxManifestBytes: 8MiB",
                "maxUploadsPerClient: 32",
                "maxUploadsPerRepository: 64",
                "maxBodies: 100",
                "maxBodiesPerClient: 4",
                "minBodyRate: 16KiB"));
    ServerSettings s = c.applyTo(ServerSettings.defaults());
    assertThat(s.listen()).isEqualTo(new ListenAddress("0.0.0.0", 5001));
    assertThat(s.data()).isEqualTo(Path.of("/etc/wharf/data"));
    assertThat(s.deletes()).isFalse();
    assertThat(s.uploadExpiry()).isEqualTo(Duration.ofMinutes(90));
    assertThat(s.maxManifestBytes()).isEqualTo(8 * 1024 * 1024);
    assertThat(s.maxUploadsPerClient()).isEqualTo(32);
    assertThat(s.maxUploadsPerRepository()).isEqualTo(64);
    assertThat(s.http()).isEqualTo(new HttpLimits(100, 4, 16 * 1024));
  }

  @Test
  void absentKeysKeepTheDefaults() throws Exception {
    assertThat(parse("").applyTo(ServerSettings.defaults())).isEqualTo(ServerSettings.defaults());
    assertThat(parse("# nothing\n").applyTo(ServerSettings.defaults()))
        .isEqualTo(ServerSettings.defaults());
    ServerSettings s = parse("deletes: false").applyTo(ServerSettings.defaults());
    assertThat(s).isEqualTo(ServerSettings.defaults().withDeletes(false));
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServerSettings d = ServerSettings.defaults();
    assertThat(d.listen().toString()).isEqualTo("127.0.0.1:5000");
    assertThat(d.data()).isEqualTo(Path.of("wharf-data"));
    assertThat(d.deletes()).isTrue();
    assertThat(d.uploadExpiry()).isEqualTo(Duration.ofMinutes(10));
    assertThat(d.maxManifestBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(d.maxUploadsPerClient()).isEqualTo(256);
    assertThat(d.maxUploadsPerRepository()).isEqualTo(512);
    assertThat(d.http()).isEqualTo(new HttpLimits(128, 16, 1024));
  }

  @Test
  void sizesAndAbsoluteData() throws Exception {
    assertThat(parse("maxManifestBytes: 1048576").maxManifestBytes()).contains(1048576);
    assertThat(parse("maxManifestBytes: 512KiB").maxManifestBytes()).contains(512 * 1024);
    assertThat(parse("maxManifestBytes: '100 B'").maxManifestBytes()).contains(100);
    assertThat(parse("data: /srv/wharf").data()).contains(Path.of("/srv/wharf"));
    assertThat(parse("uploadExpiry: PT2H").uploadExpiry()).contains(Duration.ofHours(2));
  }

  @Test
  void refusesWithMessagesThatNameFileAndKey() {
    assertRefused(
        "lissten: 127.0.0.1:5000",
        "wharf.yaml: unknown key 'lissten' (known keys: listen, data, deletes, uploadExpiry, maxManifestBytes,"
            + " maxUploadsPerClient, maxUploadsPerRepository, maxBodies, maxBodiesPerClient,"
            + " minBodyRate, auth, projects, policies, scanner, lifecycle)");
    assertRefused("maxBodies: 192", "wharf.yaml: maxBodies: '192' must be below 192");
    assertRefused(
        "maxBodiesPerClient: 0", "wharf.yaml: maxBodiesPerClient: '0' must be at least 1");
    assertRefused(
        "minBodyRate: fast", "wharf.yaml: minBodyRate: 'fast' is not a size (for example");
    assertRefused("listen: 5000", "wharf.yaml: listen: expected host:port");
    assertRefused("listen: localhost", "wharf.yaml: listen: 'localhost' is not host:port");
    assertRefused("listen: 127.0.0.1:70000", "port 70000 is not between 0 and 65535");
    assertRefused("deletes: maybe", "wharf.yaml: deletes: expected true or false, found 'maybe'");
    assertRefused("uploadExpiry: 24", "wharf.yaml: uploadExpiry: '24' has no unit");
    assertRefused(
        "maxUploadsPerClient: 0", "wharf.yaml: maxUploadsPerClient: '0' must be at least 1");
    assertRefused(
        "maxUploadsPerRepository: many",
        "wharf.yaml: maxUploadsPerRepository: expected a whole number (for example 512), found 'many'");
    assertRefused(
        "uploadExpiry: 24 hours", "wharf.yaml: uploadExpiry: '24 hours' is not a duration");
    assertRefused("uploadExpiry: 0s", "is not a positive duration");
    assertRefused("maxManifestBytes: 0", "wharf.yaml: maxManifestBytes: '0' is not between 1 byte");
    assertRefused("maxManifestBytes: 4GiB", "is not a size");
    assertRefused("maxManifestBytes: 4096MiB", "is not between 1 byte");
    assertRefused("maxManifestBytes: [1]", "expected a number of bytes");
    assertRefused("data:", "wharf.yaml: data has no value");
    assertRefused("data: ''", "wharf.yaml: data: the folder name is empty");
    assertRefused("- listen", "wharf.yaml: expected keys and values");
    assertRefused("listen: a:1\nlisten: b:2", "wharf.yaml: not valid YAML");
    assertRefused("listen: [unclosed", "wharf.yaml: not valid YAML");
    assertRefused("--- {}\n--- {}\n", "wharf.yaml: not valid YAML");
    assertRefused("!!java.io.File x: 1", "wharf.yaml: not valid YAML");
  }

  private static void assertRefused(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml))
        .as(yaml)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void readsAFileAndResolvesDataBesideIt() throws Exception {
    Path file = dir.resolve("wharf.yaml");
    Files.writeString(file, "data: store\nlisten: '[::1]:0'\n");
    WharfConfig c = WharfConfig.read(file);
    assertThat(c.data()).contains(dir.toAbsolutePath().resolve("store"));
    assertThat(c.listen()).contains(new ListenAddress("::1", 0));
  }

  @Test
  void aMissingFileIsAClearError() {
    assertThatThrownBy(() -> WharfConfig.read(dir.resolve("nope.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("nope.yaml: no such file");
  }
}
