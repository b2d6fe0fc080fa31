package io.wharf.oci.model.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries of 8 GiB and more, whose size does not fit the octal field, in a sparse file. */
class TarLargeEntryTest {

  private static final long TEN_GIB = 10L * 1024 * 1024 * 1024;
  private static final String PATH =
      "blobs/sha256/0000000000000000000000000000000000000000000000000000000000000000";

  /** A tar of one sparse 10 GiB entry: its header(s), the (unwritten) data, two zero blocks. */
  private static Path sparseArchive(Path dir) throws IOException {
    Path tar = dir.resolve("big.tar");
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    Tar.writeFileHeader(header, PATH, TEN_GIB);
    try (OutputStream out = Files.newOutputStream(tar)) {
      header.writeTo(out);
    }
    try (RandomAccessFile file = new RandomAccessFile(tar.toFile(), "rw")) {
      file.setLength(header.size() + TEN_GIB + 2 * Tar.BLOCK);
    }
    return tar;
  }

  @Test
  void entriesOverEightGibCarryTheirSizeInPaxAndBase256(@TempDir Path dir) throws IOException {
    try (TarSource source = new TarSource(sparseArchive(dir))) {
      assertThat(source.size(PATH)).hasValue(TEN_GIB);
    }
  }

  @Test
  void gnuTarReadsTheSameSize(@TempDir Path dir) throws Exception {
    Path tar = sparseArchive(dir);
    Process p = new ProcessBuilder("tar", "-tvf", tar.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains(Long.toString(TEN_GIB)).contains(PATH);
  }
}
