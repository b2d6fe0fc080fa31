package io.wharf.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageConfig;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wharf create-image}: a valid image in each kind of destination, the same digest for the
 * same files, and the mistakes it refuses before writing anything.
 */
class CreateImageCommandTest {

  private static final Pattern CREATED = Pattern.compile("^Created (\\S+): (sha256:[0-9a-f]{64}) ");

  @TempDir static Path dir;

  private static WharfServer server;

  @BeforeAll
  static void start() throws IOException {
    server = WharfServer.start(ServerSettings.loopback(dir.resolve("data")));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static WharfRun run(String... args) {
    return WharfRun.of(args);
  }

  /** Runs {@code args}, which must succeed; returns the digest it printed. */
  private static Digest created(String... args) {
    WharfRun r = run(args);
    assertThat(r.status()).as("%s%n%s", r.out(), r.err()).isZero();
    Matcher m = CREATED.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    return Digest.parse(m.group(2));
  }

  private static Path file(String name, String content) throws IOException {
    Path p = dir.resolve("src").resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  @Test
  void withoutFilesItIsAValidImageOfHelloTxtForLinuxOnThisMachine() throws Exception {
    Path layout = dir.resolve("hello-layout");
    Digest digest = created("create-image", "oci:" + layout + ":latest");

    try (OciLayout l = OciLayout.open(layout)) {
      assertThat(l.verify().problems()).isEmpty();
      Descriptor root = l.find("latest").orElseThrow();
      assertThat(root.digest()).isEqualTo(digest);
      assertThat(root.mediaType()).isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
      RawManifest raw = l.readManifest(root);
      ImageManifest manifest = (ImageManifest) raw.parse();
      assertThat(manifest.config().mediaType()).isEqualTo(MediaType.OCI_IMAGE_CONFIG);
      assertThat(manifest.layers()).hasSize(1);
      Descriptor layer = manifest.layers().get(0);
      assertThat(layer.mediaType()).isEqualTo(MediaType.OCI_LAYER_TAR_GZIP);

      ImageConfig config;
      try (InputStream in = l.openBlob(manifest.config())) {
        config = ImageConfig.parse(io.wharf.oci.model.Bytes.of(in.readAllBytes()));
      }
      assertThat(config.os()).isEqualTo("linux");
      assertThat(config.architecture())
          .isEqualTo(CopyCommand.runtimePlatform().architecture())
          .isNotEmpty();
      assertThat(config.created()).contains("1970-01-01T00:00:00Z");
      assertThat(config.rootfs().type()).isEqualTo("layers");

      byte[] tar;
      try (InputStream in = new GZIPInputStream(l.openBlob(layer))) {
        tar = in.readAllBytes();
      }
      assertThat(config.rootfs().diffIds())
          .as("the DiffID is the digest of the uncompressed layer")
          .containsExactly(Digest.sha256(io.wharf.oci.model.Bytes.of(tar)));
      List<TarReader.Entry> entries = TarReader.read(new ByteArrayInputStream(tar));
      assertThat(entries).extracting(TarReader.Entry::name).containsExactly("hello.txt");
      assertThat(new String(entries.get(0).content(), UTF_8)).startsWith("Hello from Wharf");
    }
  }

  @Test
  void theSameFilesGiveTheSameDigestInEveryKindOfDestination() throws Exception {
    Path a = file("a.txt", "alpha\n");
    Path b = file("b/b.txt", "beta\n");
    String aTxt = "--file=" + a + ":app/a.txt";
    String bTxt = "--file=" + b;
    Digest first = created("create-image", aTxt, bTxt, "oci:" + dir.resolve("one"));
    Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    Digest again =
        created("create-image", bTxt, aTxt, "oci-archive:" + dir.resolve("two.tar") + ":v1");
    assertThat(again).as("other order, other mtime, an archive").isEqualTo(first);
    try (OciLayout archive = OciLayout.open(dir.resolve("two.tar"))) {
      assertThat(archive.verify().problems()).isEmpty();
      assertThat(archive.find("v1").orElseThrow().digest()).isEqualTo(first);
    }

    String host = "127.0.0.1:" + server.port();
    Digest pushed = created("create-image", aTxt, bTxt, "docker://" + host + "/created/app:v1");
    assertThat(pushed).isEqualTo(first);
    WharfRun inspect = run("inspect", "docker://" + host + "/created/app:v1");
    assertThat(inspect.out()).contains("Digest:     " + first).contains("Layers:");

    Digest other = created("create-image", "--file", a + ":app/b.txt", "oci:" + dir.resolve("3"));
    assertThat(other).as("another path is another image").isNotEqualTo(first);
  }

  @Test
  void mistakesAreRefusedBeforeAnythingIsWritten() throws Exception {
    Path a = file("m.txt", "m");
    Path out = dir.resolve("never");
    List<String[]> mistakes = new ArrayList<>();
    mistakes.add(new String[] {"--file", a + ":/etc/passwd", "is absolute"});
    mistakes.add(new String[] {"--file", a + ":../outside", "'..' segment"});
    mistakes.add(new String[] {"--file", a + ":x/../../y", "'..' segment"});
    mistakes.add(new String[] {"--file", dir.resolve("missing") + ":m", "no such file"});
    mistakes.add(new String[] {"--file", dir.toString() + ":m", "not a regular file"});
    for (String[] m : mistakes) {
      WharfRun r = run("create-image", m[0], m[1], "oci:" + out);
      assertThat(r.status()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).startsWith("wharf create-image: ").contains(m[2]).hasLineCount(1);
    }
    WharfRun twice = run("create-image", "--file", a + ":m", "--file", a + ":m", "oci:" + out);
    assertThat(twice.status()).isEqualTo(2);
    assertThat(twice.err()).contains("two files go to m");
    WharfRun nowhere = run("create-image", "somewhere");
    assertThat(nowhere.status()).isEqualTo(2);
    assertThat(nowhere.err()).contains("unknown transport");
    assertThat(out).doesNotExist();
  }

  @Test
  void itIsListedInTheUsage() {
    assertThat(run("--help").out()).contains("create-image  Creates a small OCI image");
    assertThat(run("create-image", "--help").out())
        .startsWith("Usage: wharf create-image [OPTIONS] DEST")
        .contains("--file=SRC[:DEST_PATH]");
  }
}
