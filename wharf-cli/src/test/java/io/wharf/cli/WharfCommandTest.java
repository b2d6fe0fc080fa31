package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: parsing, precedence of flags over the config file, and {@code fsck}. */
class WharfCommandTest {

  @TempDir Path dir;

  private static WharfRun run(String... args) {
    return WharfRun.of(args);
  }

  private static ServerSettings serve(String... args) throws Exception {
    assertThat(args[0]).isEqualTo("serve");
    Cli.Syntax syntax = Wharf.command("serve").orElseThrow().syntax();
    return ServeCommand.settings(Cli.parse(syntax, List.of(args).subList(1, args.length)));
  }

  @Test
  void withoutACommandItPrintsUsageAndExits2() {
    WharfRun r = run();
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("Missing a command").contains("serve").contains("fsck");
  }

  @Test
  void versionAndHelp() {
    assertThat(run("--version").out()).startsWith("wharf ");
    assertThat(run("copy", "-V").out()).startsWith("wharf ");
    WharfRun help = run("serve", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out())
        .contains("--listen=HOST:PORT", "--data=DIR", "--config=FILE")
        .contains("Exit status: 0 stopped cleanly"); // WharfProgramIT checks it after SIGTERM
    WharfRun copyHelp = run("help", "copy");
    assertThat(copyHelp.status()).isZero();
    assertThat(copyHelp.out())
        .startsWith("Usage: wharf copy [OPTIONS] SRC DST")
        .contains("--platform=OS/ARCH[/VARIANT]", "-q, --quiet", "--authfile=FILE");
    WharfRun all = run("--help");
    assertThat(all.status()).isZero();
    assertThat(all.out()).contains("serve", "fsck", "copy", "inspect", "tags", "delete");
  }

  @Test
  void usageMistakesExit2WithTheUsage() {
    WharfRun unknown = run("cpy");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown command: 'cpy'").contains("Usage: wharf");
    WharfRun option = run("copy", "--al", "a", "b");
    assertThat(option.status()).isEqualTo(2);
    assertThat(option.err())
        .startsWith("wharf copy: Unknown option: '--al'")
        .contains("Usage: wharf copy");
    WharfRun missing = run("copy", "oci:/tmp/a");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required parameter: 'DST'");
    WharfRun extra = run("tags", "docker://127.0.0.1:1/a", "b");
    assertThat(extra.status()).isEqualTo(2);
    assertThat(extra.err()).contains("Unexpected argument: 'b'");
    WharfRun number = run("copy", "--parallel", "many", "oci:/tmp/a", "oci:/tmp/b");
    assertThat(number.status()).isEqualTo(2);
    assertThat(number.err()).contains("Invalid value for option '--parallel'").contains("many");
    WharfRun noValue = run("serve", "--data");
    assertThat(noValue.status()).isEqualTo(2);
    assertThat(noValue.err()).contains("Missing value for option '--data' (DIR)");
    WharfRun twice = run("serve", "--data", "a", "--data=b");
    assertThat(twice.status()).isEqualTo(2);
    assertThat(twice.err()).contains("'--data' is given more than once");
    WharfRun bool = run("serve", "--deletes", "yes");
    assertThat(bool.status()).isEqualTo(2);
    assertThat(bool.err()).contains("'yes' is not true or false");
  }

  @Test
  void serveDefaults() throws Exception {
    assertThat(serve("serve")).isEqualTo(ServerSettings.defaults());
  }

  @Test
  void flagsOverrideTheConfigFileWhichOverridesTheDefaults() throws Exception {
    Path config = dir.resolve("wharf.yaml");
    Files.writeString(
        config, "listen: 0.0.0.0:6000\ndata: from-config\ndeletes: false\nuploadExpiry: 2h\n");
    ServerSettings s =
        serve(
            "serve",
            "--config",
            config.toString(),
            "--listen",
            "127.0.0.1:7000",
            "--max-manifest-bytes",
            "1MiB");
    assertThat(s.listen()).isEqualTo(new ListenAddress("127.0.0.1", 7000));
    assertThat(s.data()).isEqualTo(dir.toAbsolutePath().resolve("from-config"));
    assertThat(s.deletes()).isFalse();
    assertThat(s.uploadExpiry()).isEqualTo(Duration.ofHours(2));
    assertThat(s.maxManifestBytes()).isEqualTo(1024 * 1024);

    ServerSettings flags =
        serve(
            "serve",
            "--config",
            config.toString(),
            "--data",
            "elsewhere",
            "--deletes",
            "true",
            "--upload-expiry",
            "30m");
    assertThat(flags.data()).isEqualTo(Path.of("elsewhere"));
    assertThat(flags.deletes()).isTrue();
    assertThat(flags.uploadExpiry()).isEqualTo(Duration.ofMinutes(30));
    assertThat(flags.listen()).isEqualTo(new ListenAddress("0.0.0.0", 6000));
  }

  @Test
  void badFlagsAndABadConfigAreClearErrors() throws Exception {
    WharfRun listen = run("serve", "--listen", "5000");
    assertThat(listen.status()).isEqualTo(2);
    assertThat(listen.err()).contains("--listen").contains("'5000' is not host:port");

    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "listen: 127.0.0.1:5000\nport: 5000\n");
    WharfRun bad = run("serve", "--config", config.toString());
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("wharf serve: ").contains("bad.yaml: unknown key 'port'");
  }

  @Test
  void serveReportsAFolderInUse() throws Exception {
    Path data = dir.resolve("busy");
    try (RegistryStorage held = LocalStorage.open(data)) {
      WharfRun r = run("serve", "--listen", "127.0.0.1:0", "--data", data.toString());
      assertThat(r.status()).isEqualTo(1);
      assertThat(r.err()).contains("wharf serve: cannot start").contains("already open");
    }
  }

  @Test
  void fsckOfACleanFolderExits0() throws Exception {
    Path data = dir.resolve("data");
    try (RegistryStorage storage = LocalStorage.open(data)) {
      put(storage, "library/app", Bytes.utf8("hello"));
    }
    WharfRun r = run("fsck", "--data", data.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("1 blobs verified").contains("no problems");
  }

  @Test
  void fsckFindsAndRepairsACorruptBlob() throws Exception {
    Path data = dir.resolve("data");
    Digest digest;
    try (RegistryStorage storage = LocalStorage.open(data)) {
      digest = put(storage, "library/app", Bytes.utf8("hello"));
    }
    Path blob = findBlobFile(data, digest);
    Files.writeString(blob, "HELLO");

    WharfRun check = run("fsck", "--data", data.toString());
    assertThat(check.status()).isEqualTo(1);
    assertThat(check.out())
        .contains("CORRUPT_BLOB: blob " + digest)
        .contains("DANGLING_LINK")
        .contains("2 problems");
    assertThat(blob).exists();

    WharfRun repair = run("fsck", "--data", data.toString(), "--repair");
    assertThat(repair.status()).isEqualTo(1);
    assertThat(repair.out())
        .contains("repaired: deleted corrupt blob " + digest)
        .contains("repaired");

    WharfRun after = run("fsck", "--data", data.toString());
    assertThat(after.status()).as(after.out()).isZero();
    assertThat(after.out()).contains("no problems");
  }

  @Test
  void fsckRefusesWhatIsNotADataFolder() throws Exception {
    WharfRun missing = run("fsck", "--data", dir.resolve("nothing").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("no data folder at");
    WharfRun other = run("fsck", "--data", dir.toString());
    assertThat(other.status()).isEqualTo(2);
    assertThat(other.err()).contains("is not a Wharf data folder");
    assertThat(dir.resolve(LocalStorage.BLOB_FOLDER)).doesNotExist();
  }

  @Test
  void fsckReportsAFolderInUse() throws Exception {
    Path data = dir.resolve("data");
    try (RegistryStorage held = LocalStorage.open(data)) {
      WharfRun r = run("fsck", "--data", data.toString());
      assertThat(r.status()).isEqualTo(2);
      assertThat(r.err()).contains("cannot check").contains("already open");
    }
  }

  private static Digest put(RegistryStorage storage, String repository, Bytes content)
      throws IOException {
    Digest digest = Digest.sha256(content);
    BlobInfo info;
    try (BlobUpload upload = storage.blobs().newUpload()) {
      upload.write(0, content.openStream());
      info = upload.commit(digest);
    }
    storage.metadata().linkBlob(RepositoryName.of(repository), info);
    return digest;
  }

  private static Path findBlobFile(Path data, Digest digest) throws IOException {
    try (Stream<Path> files = Files.walk(LocalStorage.blobDirectory(data))) {
      return files
          .filter(p -> p.getFileName().toString().equals(digest.encoded()))
          .findFirst()
          .orElseThrow();
    }
  }
}
