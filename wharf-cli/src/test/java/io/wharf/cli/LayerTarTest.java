package io.wharf.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer's tar: ustar headers, sorted entries with their folders, and nothing of the machine.
 */
class LayerTarTest {

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  private static byte[] tar(List<LayerFile> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerTar.write(files, out);
    return out.toByteArray();
  }

  @Test
  void entriesAreSortedWithTheirFoldersAndFixedOwnersTimesAndModes() throws Exception {
    Path script = file("run.sh", "#!/bin/sh\necho hi\n");
    // Executable by its group only: 0755 whoever builds the image, not only its owner.
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r-x---"));
    List<LayerFile> files =
        List.of(
            new LayerFile(file("d.txt", "d"), "b/c/d.txt"),
            new LayerFile(file("a.txt", "a"), "a.txt"),
            new LayerFile(script, "b/run.sh"));
    byte[] bytes = tar(files);
    assertThat(bytes.length % 512).isZero();

    List<TarReader.Entry> entries = TarReader.read(new ByteArrayInputStream(bytes));
    assertThat(entries)
        .extracting(TarReader.Entry::name)
        .containsExactly("a.txt", "b/", "b/c/", "b/c/d.txt", "b/run.sh");
    assertThat(entries).extracting(TarReader.Entry::type).containsExactly('0', '5', '5', '0', '0');
    assertThat(entries)
        .extracting(TarReader.Entry::mode)
        .containsExactly(0644, 0755, 0755, 0644, 0755);
    assertThat(entries)
        .allSatisfy(
            e -> {
              assertThat(e.mtime()).isZero();
              assertThat(e.uid()).isZero();
              assertThat(e.gid()).isZero();
            });
    assertThat(new String(entries.get(4).content(), UTF_8)).isEqualTo("#!/bin/sh\necho hi\n");
  }

  @Test
  void theSameFilesGiveTheSameBytesWhateverTheirOrderAndTimes() throws Exception {
    Path one = file("one", "1");
    Path two = file("x/two", "22");
    byte[] first = tar(List.of(new LayerFile(one, "one"), new LayerFile(two, "sub/two")));
    Files.setLastModifiedTime(one, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
    byte[] second = tar(List.of(new LayerFile(two, "sub/two"), new LayerFile(one, "one")));
    assertThat(second).isEqualTo(first);
  }

  @Test
  void aLongPathGoesIntoThePrefixOrAPaxHeader() throws Exception {
    String folder = "f".repeat(120);
    String path = folder + "/" + "n".repeat(90);
    byte[] bytes = tar(List.of(new LayerFile(file("long", "x"), path)));
    List<TarReader.Entry> entries = TarReader.read(new ByteArrayInputStream(bytes));
    assertThat(entries).extracting(TarReader.Entry::name).containsExactly(folder + "/", path);
    assertThat(bytes[156])
        .as("the folder's name has no slash to cut at: pax")
        .isEqualTo((byte) 'x');
    byte[] header = LayerTar.header(path, 1, 0644, '0');
    assertThat(new String(header, 0, 90, UTF_8)).isEqualTo("n".repeat(90));
    assertThat(new String(header, 345, 120, UTF_8)).isEqualTo(folder);

    String deep = "a".repeat(100) + "/" + "b".repeat(100) + "/" + "c".repeat(50) + "/é.txt";
    List<TarReader.Entry> deepEntries =
        TarReader.read(
            new ByteArrayInputStream(tar(List.of(new LayerFile(file("deep", "y"), deep)))));
    assertThat(deepEntries).extracting(TarReader.Entry::name).endsWith(deep);
    assertThat(new String(deepEntries.get(3).content(), UTF_8)).isEqualTo("y");

    // A record's length counts its own digits, also where they go from two to three.
    for (int n = 85; n < 100; n++) {
      String record = LayerTar.paxRecord("path", "x".repeat(n));
      assertThat(record).hasSize(Integer.parseInt(record.substring(0, record.indexOf(' '))));
    }
    assertThat(LayerTar.paxRecord("path", "x".repeat(91))).startsWith("101 path=");
    assertThatThrownBy(() -> LayerTar.header("p".repeat(156) + "/x", 0, 0644, '0'))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit a ustar header");
  }

  @Test
  void aPathTakenTwiceOrAsBothFileAndFolderIsRefused() throws Exception {
    Path a = file("a", "a");
    assertThatThrownBy(
            () -> LayerTar.entries(List.of(new LayerFile(a, "x"), new LayerFile(a, "x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two files go to x");
    assertThatThrownBy(
            () -> LayerTar.entries(List.of(new LayerFile(a, "x"), new LayerFile(a, "x/y"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("x is both a file and a folder");
  }

  @Test
  void aFileThatChangesSizeWhileReadFails() throws Exception {
    Path growing = file("growing", "abc");
    // A named pipe would be truer; a size read before the content is what the check is for, and a
    // file whose size is then wrong is what a concurrent writer leaves.
    LayerFile f = new LayerFile(growing, "g");
    ByteArrayOutputStream out =
        new ByteArrayOutputStream() {
          private boolean grown;

          @Override
          public synchronized void write(byte[] b, int off, int len) {
            if (!grown && len == 512) {
              grown = true;
              try {
                Files.writeString(growing, "abcdef");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
            super.write(b, off, len);
          }
        };
    assertThatThrownBy(() -> LayerTar.write(List.of(f), out))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("changed while it was read");
  }
}
