package io.wharf.oci.model.layout;

import static io.wharf.oci.model.layout.LayoutFiles.GGCR;
import static io.wharf.oci.model.layout.LayoutFiles.REGCLIENT;
import static io.wharf.oci.model.layout.LayoutFiles.copyTree;
import static io.wharf.oci.model.layout.LayoutFiles.fixture;
import static io.wharf.oci.model.layout.LayoutFiles.regularFiles;
import static io.wharf.oci.model.layout.LayoutFiles.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.testing.TestEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad layouts and bad writes: each is refused with a typed exception or a clear IOException, and
 * nothing on disk is changed by reading.
 */
class OciLayoutBadInputTest {

  // regclient-testrepo: tag a1 is an artifact manifest with one 5-byte layer.
  private static final Digest A1_LAYER =
      Digest.parse("sha256:e9c3c1c06f1825ffa801eac2930fc97e8cecf63d41c7f5d92a8bb21d7ed288bc");
  private static final Digest V2 =
      Digest.parse("sha256:dfae8f425735a5e3a72e40d6609e03079995511d48157c74d54801ff4430491e");

  @TempDir Path tmp;

  private Path copyOfRegclient() throws IOException {
    return copyTree(fixture(REGCLIENT), tmp.resolve("layout"));
  }

  /** The small layout, for what only needs a layout. */
  private Path copyOfGgcr() throws IOException {
    return copyTree(fixture(GGCR), tmp.resolve("layout"));
  }

  private static void flipByte(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x20;
    Files.write(file, bytes);
  }

  private static Descriptor a1Layer(OciLayout layout) throws IOException {
    ImageManifest a1 = (ImageManifest) layout.readManifest(layout.find("a1").orElseThrow()).parse();
    Descriptor layer = a1.layers().get(0);
    assertThat(layer.digest()).isEqualTo(A1_LAYER);
    return layer;
  }

  private static void assertCode(ThrowingCallable call, Class<?> type, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOf(type)
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(code);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  // ---------------------------------------------------------------- damaged content

  @Test
  void aTamperedBlobIsReportedAndFailsAtItsEnd() throws IOException {
    Path dir = copyOfRegclient();
    flipByte(dir.resolve(OciLayout.blobPath(A1_LAYER)), 2);
    Map<String, String> before = tree(dir);
    try (OciLayout layout = OciLayout.open(dir)) {
      OciLayout.Check check = layout.verify();
      assertThat(check.isValid()).isFalse();
      assertThat(check.problems()).singleElement().asString().contains(A1_LAYER.toString());
      assertThat(check.blobsVerified()).isEqualTo(90);

      Descriptor layer = a1Layer(layout);
      InputStream in = layout.openBlob(layer);
      assertThat(in.readNBytes(4)).hasSize(4); // the bytes flow; the end is where it fails
      assertCode(() -> readAll(in), InvalidContentException.class, ErrorCode.DIGEST_INVALID);

      // Copying it elsewhere fails too, and leaves nothing of the bad blob behind.
      Path copy = tmp.resolve("copy");
      try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(copy)) {
        assertCode(
            () -> layout.copyTo(writer), InvalidContentException.class, ErrorCode.DIGEST_INVALID);
      }
      assertThat(copy.resolve(OciLayout.blobPath(A1_LAYER))).doesNotExist();
    }
    assertThat(tree(dir)).isEqualTo(before);
  }

  @Test
  void aTamperedManifestIsRefused() throws IOException {
    Path dir = copyOfRegclient();
    flipByte(dir.resolve(OciLayout.blobPath(V2)), 100);
    try (OciLayout layout = OciLayout.open(dir)) {
      assertCode(
          () -> layout.readManifest(layout.find("v2").orElseThrow()),
          InvalidContentException.class,
          ErrorCode.DIGEST_INVALID);
      OciLayout.Check check = layout.verify();
      assertThat(check.isValid()).isFalse();
      assertThat(check.problems()).isNotEmpty().allMatch(p -> p.contains(V2.toString()));
    }
  }

  @Test
  void aTamperedBlobInAnArchiveIsReportedAndFailsAtItsEnd() throws IOException {
    Path archive = tmp.resolve("layout.tar");
    try (OciLayout layout = OciLayout.open(fixture(REGCLIENT));
        OciLayoutWriter writer = OciLayoutWriter.toArchive(archive)) {
      layout.copyTo(writer);
    }
    byte[] v2 = Files.readAllBytes(fixture(REGCLIENT).resolve(OciLayout.blobPath(V2)));
    byte[] tar = Files.readAllBytes(archive);
    int at = indexOf(tar, v2);
    assertThat(at % Tar.BLOCK).isZero();
    flipByte(archive, at + 100L);
    try (OciLayout layout = OciLayout.open(archive)) {
      OciLayout.Check check = layout.verify();
      assertThat(check.isValid()).isFalse();
      assertThat(check.problems()).isNotEmpty().allMatch(p -> p.contains(V2.toString()));
      Descriptor descriptor = layout.find("v2").orElseThrow();
      assertCode(
          () -> readAll(layout.openBlob(descriptor)),
          InvalidContentException.class,
          ErrorCode.DIGEST_INVALID);
      assertCode(
          () -> layout.readManifest(descriptor),
          InvalidContentException.class,
          ErrorCode.DIGEST_INVALID);
    }
  }

  @Test
  void aBlobOfTheWrongSizeIsReportedAndFails() throws IOException {
    Path dir = copyOfRegclient();
    Path blob = dir.resolve(OciLayout.blobPath(A1_LAYER));
    Files.write(blob, Arrays.copyOf(Files.readAllBytes(blob), 4));
    try (OciLayout layout = OciLayout.open(dir)) {
      OciLayout.Check check = layout.verify();
      assertThat(check.problems())
          .anyMatch(p -> p.contains(A1_LAYER.toString()) && p.contains("has 4 bytes"));
      Descriptor layer = a1Layer(layout);
      assertCode(
          () -> readAll(layout.openBlob(layer)),
          InvalidContentException.class,
          ErrorCode.SIZE_INVALID);
    }
  }

  @Test
  void aMissingBlobIsReported() throws IOException {
    Path dir = copyOfRegclient();
    Files.delete(dir.resolve(OciLayout.blobPath(A1_LAYER)));
    Files.delete(dir.resolve(OciLayout.blobPath(V2)));
    try (OciLayout layout = OciLayout.open(dir)) {
      OciLayout.Check check = layout.verify();
      assertThat(check.isValid()).isFalse();
      assertThat(check.problems())
          .anyMatch(p -> p.contains("missing blob " + A1_LAYER))
          .anyMatch(p -> p.contains("missing blob " + V2));
      assertThat(check.blobsVerified()).isEqualTo(89);
      assertThat(layout.hasBlob(A1_LAYER)).isFalse();
      assertThat(layout.blobSize(A1_LAYER)).isEmpty();
      Descriptor layer = a1Layer(layout);
      assertCode(() -> layout.openBlob(layer), NotFoundException.class, ErrorCode.BLOB_UNKNOWN);
      assertCode(
          () -> layout.readManifest(layout.find("v2").orElseThrow()),
          NotFoundException.class,
          ErrorCode.BLOB_UNKNOWN);
    }
  }

  // ---------------------------------------------------------------- refused at open

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{}",
        "[]",
        "{\"imageLayoutVersion\":1}",
        "{\"imageLayoutVersion\":\"2.0.0\"}",
        "{\"imageLayoutVersion\":\"1.0.0\",\"imageLayoutVersion\":\"1.0.0\"}",
        "{\"imageLayoutVersion\":\"1.0.0\"} trailing"
      })
  void anInvalidLayoutHeaderIsRefusedAtOpen(String header) throws IOException {
    Path dir = copyOfGgcr();
    Files.writeString(dir.resolve("oci-layout"), header);
    assertCode(
        () -> OciLayout.open(dir), InvalidContentException.class, ErrorCode.MANIFEST_INVALID);
    assertCode(
        () -> OciLayout.open(archiveOf(dir)),
        InvalidContentException.class,
        ErrorCode.MANIFEST_INVALID);
  }

  @Test
  void aWrongLayoutVersionIsNamed() throws IOException {
    Path dir = copyOfGgcr();
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
    assertThatThrownBy(() -> OciLayout.open(dir))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("unsupported imageLayoutVersion 2.0.0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"oci-layout", "index.json"})
  void aMissingHeaderOrIndexIsRefusedAtOpen(String file) throws IOException {
    Path dir = copyOfGgcr();
    Files.delete(dir.resolve(file));
    assertThatThrownBy(() -> OciLayout.open(dir))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining(file + " is missing");
    assertThatThrownBy(() -> OciLayout.open(archiveOf(dir)))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining(file + " is missing");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "null",
        "{\"schemaVersion\":2}",
        "{\"schemaVersion\":1,\"manifests\":[]}",
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\"}]}",
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\"sha256:abc\",\"size\":1}]}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":"
            + "\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
            + "\"layers\":[]}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
            + "\"manifests\":[]}"
      })
  void anInvalidIndexIsRefusedAtOpen(String index) throws IOException {
    Path dir = copyOfGgcr();
    Files.writeString(dir.resolve("index.json"), index);
    assertThatThrownBy(() -> OciLayout.open(dir)).isInstanceOf(InvalidContentException.class);
    assertThatThrownBy(() -> OciLayout.open(archiveOf(dir)))
        .isInstanceOf(InvalidContentException.class);
  }

  @Test
  void nothingThereIsRefused() {
    assertThatThrownBy(() -> OciLayout.open(tmp.resolve("absent")))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> OciLayout.open(tmp))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("oci-layout is missing");
  }

  // ---------------------------------------------------------------- bad writes

  @Test
  void writeBlobWithAWrongDigestOrSizeKeepsNothing() throws IOException {
    Path dir = tmp.resolve("layout");
    byte[] content = "some content".getBytes(StandardCharsets.UTF_8);
    Digest right = Digest.sha256(Bytes.of(content));
    Digest wrong = Digest.sha256(Bytes.utf8("other content"));
    try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(dir)) {
      assertCode(
          () -> writer.writeBlob(new ByteArrayInputStream(content), wrong, content.length),
          InvalidContentException.class,
          ErrorCode.DIGEST_INVALID);
      assertCode(
          () -> writer.writeBlob(new ByteArrayInputStream(content), right, content.length - 1),
          InvalidContentException.class,
          ErrorCode.SIZE_INVALID);
      assertCode(
          () -> writer.writeBlob(new ByteArrayInputStream(content), right, content.length + 1),
          InvalidContentException.class,
          ErrorCode.SIZE_INVALID);
      assertCode(
          () -> writer.writeBlob(new ByteArrayInputStream(content), Digest.parse("md5:abc"), 12),
          InvalidContentException.class,
          ErrorCode.DIGEST_INVALID);
      assertThat(regularFiles(dir.resolve("blobs"))).isEmpty();
      assertThat(dir.resolve(OciLayout.blobPath(wrong))).doesNotExist();
      assertThat(dir.resolve(OciLayout.blobPath(right))).doesNotExist();

      // The writer is still good for the right bytes.
      Descriptor d = writer.writeBlob(MediaType.OCTET_STREAM, Bytes.of(content));
      writer.add(d);
    }
    assertThat(regularFiles(dir.resolve("blobs"))).containsExactly("sha256/" + right.encoded());
    try (OciLayout layout = OciLayout.open(dir)) {
      assertThat(layout.verify().problems()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 1})
  void aBadBlobSpoilsAnArchiveWriterInsteadOfMakingABadArchive(int sizeError) throws IOException {
    // 512 bytes: a wrong digest would otherwise leave a well-formed entry with the wrong bytes.
    byte[] content = new byte[512];
    Arrays.fill(content, (byte) 'x');
    Digest digest =
        sizeError == 0 ? Digest.sha256(Bytes.utf8("other")) : Digest.sha256(Bytes.of(content));
    ErrorCode code = sizeError == 0 ? ErrorCode.DIGEST_INVALID : ErrorCode.SIZE_INVALID;
    Path archive = tmp.resolve("layout.tar");
    OciLayoutWriter writer = OciLayoutWriter.toArchive(archive);
    try (writer) {
      Descriptor good = writer.writeBlob(MediaType.OCTET_STREAM, Bytes.utf8("good"));
      writer.add(good);
      assertCode(
          () ->
              writer.writeBlob(
                  new ByteArrayInputStream(content), digest, content.length + sizeError),
          InvalidContentException.class,
          code);
      // Part of the bad blob is already in the archive: the writer must not go on as if not.
      assertThatThrownBy(() -> writer.writeBlob(MediaType.OCTET_STREAM, Bytes.utf8("more")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(digest.toString());
      assertThatThrownBy(() -> writer.add(good)).isInstanceOf(IllegalStateException.class);
    }
    // What is left is no layout at all, rather than one with a bad blob in it.
    assertThatThrownBy(() -> OciLayout.open(archive).close())
        .isInstanceOfAny(IOException.class, InvalidContentException.class);
  }

  // ---------------------------------------------------------------- links

  @Test
  void aBlobLinkedOutsideOfTheLayoutIsNotFollowed() throws IOException {
    Path dir = copyOfRegclient();
    Path blob = dir.resolve(OciLayout.blobPath(A1_LAYER));
    Path outside = tmp.resolve("outside-blob");
    Files.move(blob, outside); // the right bytes, but outside of the layout
    symlink(blob, outside);
    try (OciLayout layout = OciLayout.open(dir)) {
      assertThat(layout.hasBlob(A1_LAYER)).isFalse();
      assertThat(layout.blobs()).doesNotContain(A1_LAYER).hasSize(90);
      assertThat(layout.verify().problems())
          .singleElement()
          .asString()
          .contains("missing blob " + A1_LAYER);
      Descriptor layer = a1Layer(layout);
      assertCode(() -> layout.openBlob(layer), NotFoundException.class, ErrorCode.BLOB_UNKNOWN);
      assertCode(
          () -> layout.openBlobUnverified(A1_LAYER),
          NotFoundException.class,
          ErrorCode.BLOB_UNKNOWN);
    }
  }

  @Test
  void aBlobDirectoryLinkedOutsideOfTheLayoutIsNotFollowed() throws IOException {
    Path dir = copyOfRegclient();
    Path outside = tmp.resolve("outside");
    Files.move(dir.resolve("blobs/sha256"), outside);
    symlink(dir.resolve("blobs/sha256"), outside);
    try (OciLayout layout = OciLayout.open(dir)) {
      assertThat(layout.blobs()).isEmpty();
      assertThatThrownBy(() -> layout.openBlobUnverified(A1_LAYER))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("leaves the layout directory");
      assertThatThrownBy(() -> layout.readManifest(layout.find("v2").orElseThrow()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("leaves the layout directory");
      assertThatThrownBy(layout::verify)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("leaves the layout directory");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"oci-layout", "index.json"})
  void aHeaderOrIndexLinkedOutsideOfTheLayoutIsRefused(String file) throws IOException {
    Path dir = copyOfGgcr();
    Path outside = tmp.resolve("outside-" + file);
    Files.move(dir.resolve(file), outside);
    symlink(dir.resolve(file), outside);
    assertThatThrownBy(() -> OciLayout.open(dir))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining(file + " is missing");
  }

  @Test
  void aLinkInAnArchiveIsNotFollowed() throws Exception {
    Path tarCommand = TestEnvironment.requireProgram("tar");
    Path dir = copyOfRegclient();
    Path blob = dir.resolve(OciLayout.blobPath(A1_LAYER));
    Files.move(blob, tmp.resolve("outside-blob"));
    symlink(blob, tmp.resolve("outside-blob"));
    Path archive = tmp.resolve("layout.tar");
    LayoutFiles.Result result =
        LayoutFiles.run(
            tmp,
            List.of(tarCommand.toString(), "-cf", archive.toString(), "-C", dir.toString(), "."));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    try (OciLayout layout = OciLayout.open(archive)) {
      assertThat(layout.hasBlob(A1_LAYER)).isFalse();
      assertThat(layout.verify().problems())
          .singleElement()
          .asString()
          .contains("missing blob " + A1_LAYER);
    }
  }

  private static void symlink(Path link, Path target) throws IOException {
    try {
      Files.createSymbolicLink(link, target);
    } catch (UnsupportedOperationException | IOException e) {
      TestEnvironment.missing("cannot create symbolic links here: " + e);
    }
  }

  // ---------------------------------------------------------------- unknown algorithms

  @Test
  void aBlobOfAnUnknownAlgorithmIsReportedAndNotLeftOpen() throws IOException {
    Path dir = copyOfRegclient();
    Files.createDirectories(dir.resolve("blobs/blake3"));
    Files.writeString(dir.resolve("blobs/blake3/abc"), "abc");
    Digest blake3 = Digest.parse("blake3:abc");
    try (OciLayout layout = OciLayout.open(dir)) {
      assertThat(layout.blobs()).contains(blake3);
      assertThat(layout.verify().problems())
          .singleElement()
          .asString()
          .contains("blob " + blake3 + " uses an algorithm that cannot be verified");
      Descriptor descriptor = Descriptor.of(MediaType.OCTET_STREAM, blake3, 3);
      for (int i = 0; i < 3; i++) {
        assertCode(
            () -> layout.openBlob(descriptor),
            InvalidContentException.class,
            ErrorCode.DIGEST_INVALID);
        assertCode(
            () -> layout.readManifest(descriptor.withAnnotations(Map.of())),
            InvalidContentException.class,
            ErrorCode.DIGEST_INVALID);
      }
      assertThat(openFilesUnder(dir.resolve("blobs/blake3"))).isZero();
    }
  }

  /** How many of this process's file descriptors are open on files under {@code dir} (Linux). */
  private static long openFilesUnder(Path dir) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    TestEnvironment.require(Files.isDirectory(fds), "no /proc/self/fd to count open files");
    Path real = dir.toRealPath();
    long count = 0;
    try (var entries = Files.list(fds)) {
      for (Path fd : (Iterable<Path>) entries::iterator) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(real)) {
            count++;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return count;
  }

  // ---------------------------------------------------------------- broken archives

  @Test
  void truncatedArchivesAreRefused() throws IOException {
    Path good = tmp.resolve("good.tar");
    try (OciLayout layout = OciLayout.open(fixture(REGCLIENT));
        OciLayoutWriter writer = OciLayoutWriter.toArchive(good)) {
      layout.copyTo(writer);
    }
    byte[] tar = Files.readAllBytes(good);
    // The last entry is index.json: its header and its data.
    int indexData = indexOf(tar, Files.readAllBytes(fixture(REGCLIENT).resolve("index.json")));
    int indexHeader = indexData - Tar.BLOCK;
    for (int length :
        new int[] {
          100, // in the first header
          Tar.BLOCK + 3, // in the first blob
          indexHeader + 200, // in the last header
          indexData + 1000, // in the last entry's data
          indexData + 5997 // in its padding: all its data is there, but the archive is cut
        }) {
      Path cut = tmp.resolve("cut-" + length + ".tar");
      Files.write(cut, Arrays.copyOf(tar, length));
      assertThatThrownBy(() -> OciLayout.open(cut).close())
          .as("archive cut at %d of %d bytes", length, tar.length)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("truncated");
    }
    // Cut between two entries, an archive looks complete but lacks what follows: refused too.
    Path cut = tmp.resolve("cut-at-index.tar");
    Files.write(cut, Arrays.copyOf(tar, indexHeader));
    assertThatThrownBy(() -> OciLayout.open(cut).close())
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("index.json is missing");
    // Without its end-of-archive blocks, an archive is still whole (Go and Python write such).
    Path noEnd = tmp.resolve("no-end.tar");
    Files.write(noEnd, Arrays.copyOf(tar, tar.length - 2 * Tar.BLOCK));
    try (OciLayout layout = OciLayout.open(noEnd)) {
      assertThat(layout.verify().problems()).isEmpty();
    }
  }

  @Test
  void aBadHeaderChecksumIsRefused() throws IOException {
    Path good = tmp.resolve("good.tar");
    try (OciLayout layout = OciLayout.open(fixture(REGCLIENT));
        OciLayoutWriter writer = OciLayoutWriter.toArchive(good)) {
      layout.copyTo(writer);
    }
    byte[] tar = Files.readAllBytes(good);
    int indexHeader =
        indexOf(tar, Files.readAllBytes(fixture(REGCLIENT).resolve("index.json"))) - Tar.BLOCK;
    for (int offset : new int[] {20, 124 + 5, indexHeader + 3}) {
      Path bad = tmp.resolve("bad-" + offset + ".tar");
      byte[] copy = tar.clone();
      copy[offset] ^= 0x01;
      Files.write(bad, copy);
      assertThatThrownBy(() -> OciLayout.open(bad).close())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("bad tar header checksum");
    }
  }

  @Test
  void filesThatAreNoArchiveAreRefused() throws IOException {
    Path json = tmp.resolve("index.json");
    Files.copy(fixture(REGCLIENT).resolve("index.json"), json);
    assertThatThrownBy(() -> OciLayout.open(json)).isInstanceOf(IOException.class);
    Path empty = Files.createFile(tmp.resolve("empty.tar"));
    assertThatThrownBy(() -> OciLayout.open(empty))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("oci-layout is missing");
  }

  // ---------------------------------------------------------------- helpers

  /** A tar archive of the layout files in {@code dir}, written with {@link Tar}. */
  private Path archiveOf(Path dir) throws IOException {
    Path archive = Files.createTempFile(tmp, "layout", ".tar");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, String> file : tree(dir).entrySet()) {
      byte[] bytes = file.getValue().getBytes(StandardCharsets.ISO_8859_1);
      Tar.writeFileHeader(out, file.getKey(), bytes.length);
      out.write(bytes);
      Tar.pad(out, bytes.length);
    }
    out.write(new byte[2 * Tar.BLOCK]);
    try (OutputStream file = Files.newOutputStream(archive)) {
      out.writeTo(file);
    }
    return archive;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
