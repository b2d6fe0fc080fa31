package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: parsing, precedence of flags over the config file, and {@code fsck}. */
class WharfCommandTest {

  @TempDir Path dir;

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = Wharf.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private static ServeCommand serve(String... args) {
    CommandLine cli = Wharf.commandLine();
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    return (ServeCommand) parsed.subcommand().commandSpec().userObject();
  }

  @Test
  void withoutACommandItPrintsUsageAndExits2() {
    Run r = run();
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("Missing a command").contains("serve").contains("fsck");
  }

  @Test
  void versionAndHelp() {
    assertThat(run("--version").out()).startsWith("wharf ");
    Run help = run("serve", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("--listen=HOST:PORT", "--data=DIR", "--config=FILE");
  }

  @Test
  void serveDefaults() throws Exception {
    assertThat(serve("serve").settings()).isEqualTo(ServerSettings.defaults());
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
                "1MiB")
            .settings();
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
                "30m")
            .settings();
    assertThat(flags.data()).isEqualTo(Path.of("elsewhere"));
    assertThat(flags.deletes()).isTrue();
    assertThat(flags.uploadExpiry()).isEqualTo(Duration.ofMinutes(30));
    assertThat(flags.listen()).isEqualTo(new ListenAddress("0.0.0.0", 6000));
  }

  @Test
  void badFlagsAndABadConfigAreClearErrors() throws Exception {
    Run listen = run("serve", "--listen", "5000");
    assertThat(listen.status()).isEqualTo(2);
    assertThat(listen.err()).contains("--listen").contains("'5000' is not host:port");

    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "listen: 127.0.0.1:5000\nport: 5000\n");
    Run bad = run("serve", "--config", config.toString());
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("wharf serve: ").contains("bad.yaml: unknown key 'port'");
  }

  @Test
  void serveReportsAFolderInUse() throws Exception {
    Path data = dir.resolve("busy");
    try (RegistryStorage held = LocalStorage.open(data)) {
      Run r = run("serve", "--listen", "127.0.0.1:0", "--data", data.toString());
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
    Run r = run("fsck", "--data", data.toString());
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

    Run check = run("fsck", "--data", data.toString());
    assertThat(check.status()).isEqualTo(1);
    assertThat(check.out())
        .contains("CORRUPT_BLOB: blob " + digest)
        .contains("DANGLING_LINK")
        .contains("2 problems");
    assertThat(blob).exists();

    Run repair = run("fsck", "--data", data.toString(), "--repair");
    assertThat(repair.status()).isEqualTo(1);
    assertThat(repair.out())
        .contains("repaired: deleted corrupt blob " + digest)
        .contains("repaired");

    Run after = run("fsck", "--data", data.toString());
    assertThat(after.status()).as(after.out()).isZero();
    assertThat(after.out()).contains("no problems");
  }

  @Test
  void fsckRefusesWhatIsNotADataFolder() throws Exception {
    Run missing = run("fsck", "--data", dir.resolve("nothing").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("no data folder at");
    Run other = run("fsck", "--data", dir.toString());
    assertThat(other.status()).isEqualTo(2);
    assertThat(other.err()).contains("is not a Wharf data folder");
    assertThat(dir.resolve(LocalStorage.BLOB_FOLDER)).doesNotExist();
  }

  @Test
  void fsckReportsAFolderInUse() throws Exception {
    Path data = dir.resolve("data");
    try (RegistryStorage held = LocalStorage.open(data)) {
      Run r = run("fsck", "--data", data.toString());
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
