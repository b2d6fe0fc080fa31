package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.lifecycle.LifecycleJson;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wharf gc} end to end: on a data folder holding a pushed image and a blob nobody links (a
 * dry run deletes nothing, a run deletes the orphan and nothing else, and fsck is clean after), and
 * on a running registry through its lifecycle endpoint (an administrator's dry run, refusals).
 */
class GcCommandTest {

  @TempDir Path dir;

  /** Pushes an image to a registry on {@code data} with {@code wharf copy}, then stops it. */
  private Digest pushImage(Path data) throws Exception {
    Path layout = dir.resolve("layout");
    TestImages.multiLayerLayout(layout, "v1", 11);
    try (WharfServer server = WharfServer.start(ServerSettings.loopback(data))) {
      WharfRun copy =
          WharfRun.of(
              "copy",
              "oci:" + layout + ":v1",
              "docker://127.0.0.1:" + server.port() + "/library/app:v1");
      assertThat(copy.status()).as(copy.err()).isZero();
    }
    try (RegistryStorage storage = LocalStorage.open(data)) {
      return storage
          .metadata()
          .resolveTag(RepositoryName.of("library/app"), Tag.of("v1"))
          .orElseThrow();
    }
  }

  private static Digest orphan(Path data, String text) throws Exception {
    Bytes bytes = Bytes.utf8(text);
    Digest digest = Digest.sha256(bytes);
    try (RegistryStorage storage = LocalStorage.open(data);
        InputStream in = bytes.openStream()) {
      storage.blobs().put(in, digest);
    }
    return digest;
  }

  private static boolean stored(Path data, Digest digest) throws Exception {
    try (RegistryStorage storage = LocalStorage.open(data)) {
      return storage.blobs().stat(digest).isPresent();
    }
  }

  @Test
  void aDryRunDeletesNothingAndARunDeletesTheOrphanOnlyAndFsckIsCleanAfter() throws Exception {
    Path data = dir.resolve("data");
    Digest manifest = pushImage(data);
    Digest orphan = orphan(data, "an upload whose manifest never came");

    WharfRun dry =
        WharfRun.of("gc", "--data", data.toString(), "--grace-period", "0s", "--dry-run");
    assertThat(dry.status()).as(dry.err()).isZero();
    assertThat(dry.out())
        .startsWith(
            "garbage collection (dry run, full) would delete 0 manifests, 0 blob links and 1 blobs")
        .contains("  blob " + orphan + " (35 bytes): no repository links it");
    assertThat(stored(data, orphan)).isTrue();

    WharfRun json =
        WharfRun.of("gc", "--data", data.toString(), "--grace-period", "0s", "--dry-run", "--json");
    assertThat(json.status()).as(json.err()).isZero();
    GcReport report = LifecycleJson.readGcReport(json.out());
    assertThat(report.request().dryRun()).isTrue();
    assertThat(report.blobsDeleted()).isEqualTo(1);
    assertThat(report.items()).extracting(i -> i.digest()).containsExactly(orphan);

    // The default grace period (24 hours) keeps the young orphan.
    WharfRun young = WharfRun.of("gc", "--data", data.toString(), "--full");
    assertThat(young.status()).as(young.err()).isZero();
    assertThat(young.out()).contains("deleted 0 manifests, 0 blob links and 0 blobs");
    assertThat(stored(data, orphan)).isTrue();

    WharfRun applied =
        WharfRun.of("gc", "--data", data.toString(), "--grace-period", "0s", "--full");
    assertThat(applied.status()).as(applied.err()).isZero();
    assertThat(applied.out())
        .startsWith(
            "garbage collection (applied, full) deleted 0 manifests, 0 blob links and 1 blobs (35 bytes)");
    assertThat(stored(data, orphan)).isFalse();

    WharfRun fsck = WharfRun.of("fsck", "--data", data.toString());
    assertThat(fsck.status()).as(fsck.out()).isZero();
    assertThat(fsck.out()).contains("no problems");
    try (RegistryStorage storage = LocalStorage.open(data)) {
      assertThat(storage.metadata().getManifest(RepositoryName.of("library/app"), manifest))
          .isPresent();
    }
  }

  @Test
  void theConfigFilesDataFolderAndGracePeriodAreUsed() throws Exception {
    Path data = dir.resolve("data");
    pushImage(data);
    Digest orphan = orphan(data, "left behind");
    Path config = dir.resolve("wharf.yaml");
    Files.writeString(config, "data: ./data\nlifecycle:\n  gc:\n    gracePeriod: 1ms\n");
    WharfRun r = WharfRun.of("gc", "--config", config.toString(), "--full");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("1 blobs").contains("PT0.001S");
    assertThat(stored(data, orphan)).isFalse();
  }

  @Test
  void aMissingFolderAndBadCombinationsAreRefused() {
    WharfRun missing = WharfRun.of("gc", "--data", dir.resolve("nothing").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err())
        .isEqualTo("wharf gc: no data folder at " + dir.resolve("nothing") + "\n");
    assertThat(Files.exists(dir.resolve("nothing"))).isFalse();

    WharfRun both = WharfRun.of("gc", "--data", "x", "--registry", "http://127.0.0.1:1");
    assertThat(both.status()).isEqualTo(2);
    assertThat(both.err()).contains("give one of --data, --config and --registry");

    WharfRun grace = WharfRun.of("gc", "--registry", "http://127.0.0.1:1", "--grace-period", "1h");
    assertThat(grace.status()).isEqualTo(2);
    assertThat(grace.err()).contains("apply to a data folder");

    WharfRun negative = WharfRun.of("gc", "--grace-period", "-1s");
    assertThat(negative.status()).isEqualTo(2);

    WharfRun url = WharfRun.of("gc", "--registry", "127.0.0.1:5000");
    assertThat(url.status()).isEqualTo(2);
    assertThat(url.err()).contains("expected http://HOST:PORT");

    WharfRun creds = WharfRun.of("gc", "--data", "x", "--creds", "a:b");
    assertThat(creds.status()).isEqualTo(2);
  }

  /** An htpasswd line with a bcrypt hash of cost 4 (the lowest: tests need not be slow). */
  static String htpasswd(String user, String password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 4);
  }

  @Test
  void aRunningRegistryCollectsForItsAdministratorOnly() throws Exception {
    Path data = dir.resolve("data");
    Files.writeString(
        dir.resolve("users.htpasswd"),
        htpasswd("admin", "admin-pw") + "\n" + htpasswd("dev", "dev-pw") + "\n");
    Files.writeString(
        dir.resolve("wharf.yaml"),
        "auth:\n  htpasswd: users.htpasswd\n  admins: {users: [admin]}\n");
    Files.createDirectories(data);
    orphan(data, "left behind");
    Files.writeString(dir.resolve("empty.json"), "{}");
    ServerSettings settings =
        WharfConfig.read(dir.resolve("wharf.yaml")).applyTo(ServerSettings.loopback(data));
    try (WharfServer server = WharfServer.start(settings)) {
      String url = "http://127.0.0.1:" + server.port();
      WharfRun anonymous =
          WharfRun.of("gc", "--registry", url, "--authfile", dir.resolve("empty.json").toString());
      assertThat(anonymous.status()).isEqualTo(1);
      assertThat(anonymous.err()).contains(": 401 UNAUTHORIZED: ");
      WharfRun dev = WharfRun.of("gc", "--registry", url, "--creds", "dev:dev-pw");
      assertThat(dev.status()).isEqualTo(1);
      assertThat(dev.err()).contains(": 403 DENIED: dev is not a system administrator");

      WharfRun dry =
          WharfRun.of("gc", "--registry", url + "/", "--creds", "admin:admin-pw", "--dry-run");
      assertThat(dry.status()).as(dry.err()).isZero();
      assertThat(dry.out()).startsWith("garbage collection (dry run, full) would delete");
      WharfRun json =
          WharfRun.of("gc", "--registry", url, "--creds", "admin:admin-pw", "--dry-run", "--json");
      assertThat(json.status()).as(json.err()).isZero();
      assertThat(LifecycleJson.readGcReport(json.out()).request().dryRun()).isTrue();
    }
  }

  @Test
  void withoutAuthTheEndpointIsOffUnlessTurnedOnForLoopback() throws Exception {
    Path data = dir.resolve("data");
    try (WharfServer server = WharfServer.start(ServerSettings.loopback(data))) {
      WharfRun off = WharfRun.of("gc", "--registry", "http://127.0.0.1:" + server.port());
      assertThat(off.status()).isEqualTo(1);
      assertThat(off.err()).contains(": 404 ");
    }
    ServerSettings loopback =
        ServerSettings.loopback(data)
            .withLifecycle(
                LifecycleConfig.defaults().withEndpoint(LifecycleConfig.EndpointMode.LOOPBACK));
    try (WharfServer server = WharfServer.start(loopback)) {
      WharfRun on = WharfRun.of("gc", "--registry", "http://127.0.0.1:" + server.port());
      assertThat(on.status()).as(on.err()).isZero();
      assertThat(on.out()).startsWith("garbage collection (applied, incremental)");
    }
  }
}
