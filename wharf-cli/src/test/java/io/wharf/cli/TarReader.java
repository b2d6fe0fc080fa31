package io.wharf.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back a ustar archive as the tests need it, checking each header's checksum, with pax {@code
 * path} records.
 */
final class TarReader {

  private TarReader() {}

  /** One entry: its full name (prefix and name), header fields, and content. */
  record Entry(String name, int mode, int uid, int gid, long mtime, char type, byte[] content) {}

  /** The entries; a pax extended header's {@code path} names the entry after it. */
  static List<Entry> read(InputStream in) throws IOException {
    List<Entry> entries = new ArrayList<>();
    String paxPath = null;
    while (true) {
      byte[] h = in.readNBytes(512);
      assertThat(h).as("a whole header block").hasSize(512);
      if (isZero(h)) {
        assertThat(isZero(in.readNBytes(512))).as("the second end block").isTrue();
        assertThat(in.read()).as("nothing after the end blocks").isEqualTo(-1);
        return entries;
      }
      assertThat(string(h, 257, 6)).isEqualTo("ustar");
      assertThat(new String(h, 263, 2, US_ASCII)).isEqualTo("00");
      long checksum = octal(h, 148, 8);
      Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      assertThat(checksum).as("header checksum").isEqualTo(sum);
      String prefix = string(h, 345, 155);
      String name = (prefix.isEmpty() ? "" : prefix + "/") + string(h, 0, 100);
      long size = octal(h, 124, 12);
      byte[] content = in.readNBytes((int) size);
      in.readNBytes((int) ((512 - size % 512) % 512));
      if (h[156] == 'x') {
        String record = new String(content, UTF_8);
        Matcher m = Pattern.compile("^(\\d+) path=(.*)\n$", Pattern.DOTALL).matcher(record);
        assertThat(m.matches()).as("one pax path record: %s", record).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("record length").isEqualTo(content.length);
        paxPath = m.group(2);
        continue;
      }
      if (paxPath != null) {
        name = paxPath;
        paxPath = null;
      }
      entries.add(
          new Entry(
              name,
              (int) octal(h, 100, 8),
              (int) octal(h, 108, 8),
              (int) octal(h, 116, 8),
              octal(h, 136, 12),
              (char) h[156],
              content));
    }
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return block.length == 512;
  }

  private static String string(byte[] h, int offset, int length) {
    int end = offset;
    while (end < offset + length && h[end] != 0) {
      end++;
    }
    return new String(h, offset, end - offset, UTF_8);
  }

  private static long octal(byte[] h, int offset, int length) {
    return Long.parseLong(string(h, offset, length).trim(), 8);
  }
}
