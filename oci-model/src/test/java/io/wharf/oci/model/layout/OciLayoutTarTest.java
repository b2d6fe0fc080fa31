package io.wharf.oci.model.layout;

import static io.wharf.oci.model.layout.LayoutFiles.GGCR;
import static io.wharf.oci.model.layout.LayoutFiles.REGCLIENT;
import static io.wharf.oci.model.layout.LayoutFiles.assertSameTree;
import static io.wharf.oci.model.layout.LayoutFiles.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.model.testing.TestEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Archives: interop with GNU tar both ways, and long (pax) paths such as sha512 blobs. */
class OciLayoutTarTest {

  private static String tar;

  @TempDir Path tmp;

  @BeforeAll
  static void findTar() {
    tar = TestEnvironment.findProgram("tar").map(Path::toString).orElse(null);
  }

  private static void assumeTar() {
    TestEnvironment.require(tar != null, "GNU tar is not on the PATH");
  }

  private LayoutFiles.Result tar(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(tar);
    command.addAll(List.of(args));
    return LayoutFiles.run(dir, command);
  }

  private LayoutFiles.Result tarOk(Path dir, String... args) throws Exception {
    LayoutFiles.Result result = tar(dir, args);
    assertThat(result.exitCode()).as("tar %s: %s", List.of(args), result.stderr()).isZero();
    assertThat(result.stderr()).as("tar %s", List.of(args)).isEmpty();
    return result;
  }

  // ---------------------------------------------------------------- GNU tar -> OciLayout

  @ParameterizedTest
  @CsvSource({
    GGCR + ", gnu",
    GGCR + ", posix",
    REGCLIENT + ", gnu",
    REGCLIENT + ", posix",
    REGCLIENT + ", ustar"
  })
  void archivesMadeByGnuTarOpenAndVerify(String name, String format) throws Exception {
    assumeTar();
    Path archive = tmp.resolve("layout.tar");
    // Entries start with "./", and there are directory entries: both must be fine.
    tarOk(
        tmp, "--format=" + format, "-cf", archive.toString(), "-C", fixture(name).toString(), ".");
    assertThat(tarOk(tmp, "-tf", archive.toString()).stdout()).startsWith("./\n");

    try (OciLayout fromTar = OciLayout.open(archive);
        OciLayout fromDir = OciLayout.open(fixture(name))) {
      OciLayout.Check check = fromTar.verify();
      assertThat(check).isEqualTo(fromDir.verify());
      assertThat(check.blobsVerified()).isEqualTo(fromDir.blobs().size());
      assertThat(fromTar.blobs()).isEqualTo(fromDir.blobs());
      assertThat(fromTar.rawIndex()).isEqualTo(fromDir.rawIndex());
      assertThat(fromTar.layoutHeader()).isEqualTo(fromDir.layoutHeader());
      Path copy = tmp.resolve("copy");
      try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(copy)) {
        fromTar.copyTo(writer);
      }
      assertSameTree(fixture(name), copy);
    }
  }

  // ---------------------------------------------------------------- OciLayoutWriter -> GNU tar

  @ParameterizedTest
  @ValueSource(strings = {GGCR, REGCLIENT})
  void archivesWrittenByWharfExtractWithGnuTar(String name) throws Exception {
    assumeTar();
    Path archive = tmp.resolve("layout.tar");
    try (OciLayout layout = OciLayout.open(fixture(name));
        OciLayoutWriter writer = OciLayoutWriter.toArchive(archive)) {
      layout.copyTo(writer);
    }
    Path out = Files.createDirectory(tmp.resolve("out"));
    tarOk(tmp, "-xf", archive.toString(), "-C", out.toString());
    assertSameTree(fixture(name), out);
    // GNU tar's own comparison of the archive against the fixture: only metadata may differ
    // (Wharf writes mtime 0 and mode 0644, for reproducible archives), never sizes or contents.
    LayoutFiles.Result compare =
        tar(tmp, "--compare", "--file", archive.toString(), "-C", fixture(name).toString());
    assertThat(compare.exitCode()).as(compare.stderr()).isIn(0, 1);
    assertThat(compare.stderr()).isEmpty();
    assertThat(compare.stdout().lines())
        .allMatch(line -> line.endsWith(": Mod time differs") || line.endsWith(": Mode differs"));
  }

  // ---------------------------------------------------------------- sha512 and long paths

  @Test
  void sha512BlobsTakeAPaxHeaderInAnArchive() throws Exception {
    Path archive = tmp.resolve("sha512.tar");
    Bytes content = Bytes.utf8("a blob named by its sha512 digest\n".repeat(40));
    Digest digest = Digest.of(DigestAlgorithm.SHA512, content);
    String path = "blobs/sha512/" + digest.encoded();
    assertThat(path).hasSize(141);
    Descriptor descriptor = Descriptor.of(MediaType.OCTET_STREAM, digest, content.size());
    try (OciLayoutWriter writer = OciLayoutWriter.toArchive(archive)) {
      writer.writeBlob(content.openStream(), descriptor);
      writer.add(descriptor, Tag.of("blob"));
    }

    byte[] raw = Files.readAllBytes(archive);
    assertThat((char) raw[156]).as("type of the first header").isEqualTo('x');
    assertThat(new String(raw, 512, 512, StandardCharsets.UTF_8))
        .startsWith("151 path=" + path + "\n"); // 151 = "151 path=" + 141 + "\n"

    try (OciLayout layout = OciLayout.open(archive)) {
      assertThat(layout.blobs()).containsExactly(digest);
      Descriptor found = layout.find("blob").orElseThrow();
      assertThat(found.digest()).isEqualTo(digest);
      try (InputStream in = layout.openBlob(found)) {
        assertThat(Bytes.of(in.readAllBytes())).isEqualTo(content);
      }
      OciLayout.Check check = layout.verify();
      assertThat(check.problems()).isEmpty();
      assertThat(check.blobsVerified()).isEqualTo(1);
    }

    assumeTar();
    assertThat(tarOk(tmp, "-tf", archive.toString()).stdout().lines())
        .containsExactly(path, "oci-layout", "index.json");
    Path out = Files.createDirectory(tmp.resolve("out"));
    tarOk(tmp, "-xf", archive.toString(), "-C", out.toString());
    assertThat(Bytes.of(Files.readAllBytes(out.resolve(path)))).isEqualTo(content);
    assertThat(LayoutFiles.tree(out).keySet()).containsExactly(path, "index.json", "oci-layout");
  }

  @Test
  void sha512BlobsInADirectory() throws IOException {
    Path dir = tmp.resolve("layout");
    Bytes content = Bytes.utf8("sha512 in a directory");
    Digest digest = Digest.of(DigestAlgorithm.SHA512, content);
    Descriptor descriptor = Descriptor.of(MediaType.OCTET_STREAM, digest, content.size());
    try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(dir)) {
      writer.writeBlob(content.openStream(), descriptor);
      writer.add(descriptor);
    }
    assertThat(dir.resolve("blobs/sha512/" + digest.encoded()))
        .hasBinaryContent(content.toByteArray());
    try (OciLayout layout = OciLayout.open(dir)) {
      assertThat(layout.verify().problems()).isEmpty();
      assertThat(layout.verify().blobsVerified()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "posix"})
  void sha512BlobsInArchivesMadeByGnuTar(String format) throws Exception {
    assumeTar();
    Path dir = tmp.resolve("layout");
    Bytes content = Bytes.utf8("x".repeat(700));
    Digest digest = Digest.of(DigestAlgorithm.SHA512, content);
    Descriptor descriptor = Descriptor.of(MediaType.OCTET_STREAM, digest, content.size());
    try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(dir)) {
      writer.writeBlob(content.openStream(), descriptor);
      writer.add(descriptor, Tag.of("long"));
    }
    // GNU format stores the long name in a ././@LongLink entry, posix in a pax header.
    Path archive = tmp.resolve("layout.tar");
    tarOk(tmp, "--format=" + format, "-cf", archive.toString(), "-C", dir.toString(), ".");
    try (OciLayout layout = OciLayout.open(archive)) {
      assertThat(layout.blobs()).containsExactly(digest);
      try (InputStream in = layout.openBlob(layout.find("long").orElseThrow())) {
        assertThat(Bytes.of(in.readAllBytes())).isEqualTo(content);
      }
      assertThat(layout.verify().problems()).isEmpty();
    }
  }

  /**
   * Paths of every length around the ustar limit (100) and where the pax record length gains a
   * digit (a 990-character path makes a 1001-byte record), written with {@link Tar} and read back
   * by {@link TarSource} and GNU tar.
   */
  @Test
  void longPathsOfEveryLengthRoundTrip() throws Exception {
    List<String> paths = new ArrayList<>();
    IntStream.concat(IntStream.rangeClosed(1, 120), IntStream.rangeClosed(980, 1000))
        .forEach(n -> paths.add(pathOfLength(n)));
    Path archive = tmp.resolve("paths.tar");
    Random random = new Random(42);
    List<byte[]> contents = new ArrayList<>();
    try (OutputStream out = Files.newOutputStream(archive)) {
      for (String path : paths) {
        byte[] content = new byte[random.nextInt(1100)];
        random.nextBytes(content);
        contents.add(content);
        Tar.writeFileHeader(out, path, content.length);
        out.write(content);
        Tar.pad(out, content.length);
      }
      out.write(new byte[2 * Tar.BLOCK]);
    }
    try (TarSource source = new TarSource(archive)) {
      assertThat(source.list("")).hasSize(paths.size());
      for (int i = 0; i < paths.size(); i++) {
        assertThat(source.size(paths.get(i))).hasValue(contents.get(i).length);
        try (InputStream in = source.open(paths.get(i))) {
          assertThat(in.readAllBytes()).isEqualTo(contents.get(i));
        }
      }
    }
    assumeTar();
    assertThat(tarOk(tmp, "-tf", archive.toString()).stdout().lines()).isEqualTo(paths);
  }

  private static String pathOfLength(int n) {
    // Directory components of at most 50 characters, as file systems and tar expect.
    StringBuilder b = new StringBuilder();
    int component = 0;
    while (b.length() < n) {
      if (component == 50 && b.length() < n - 1) {
        b.append('/');
        component = 0;
      } else {
        b.append((char) ('a' + b.length() % 26));
        component++;
      }
    }
    return b.toString();
  }
}
