package io.wharf.oci.model.layout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The POSIX ustar format with pax extended headers, as much as image layouts need. */
final class Tar {

  static final int BLOCK = 512;

  private Tar() {}

  /** Octal number field, NUL-terminated. */
  static void putOctal(byte[] header, int offset, int length, long value) {
    String octal = Long.toOctalString(value);
    if (octal.length() > length - 1) {
      throw new IllegalArgumentException("value " + value + " does not fit the tar field");
    }
    String padded = "0".repeat(length - 1 - octal.length()) + octal;
    byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
    header[offset + length - 1] = 0;
  }

  static void putString(byte[] header, int offset, int length, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > length) {
      throw new IllegalArgumentException("'" + value + "' does not fit the tar field");
    }
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  /** A regular-file header (type '0') or a pax header (type 'x'). */
  static byte[] header(String name, long size, char type) {
    byte[] h = new byte[BLOCK];
    putString(h, 0, 100, name);
    putOctal(h, 100, 8, 0644);
    putOctal(h, 108, 8, 0);
    putOctal(h, 116, 8, 0);
    putOctal(h, 124, 12, size);
    putOctal(h, 136, 12, 0);
    h[156] = (byte) type;
    putString(h, 257, 6, "ustar");
    h[262] = 0;
    h[263] = '0';
    h[264] = '0';
    checksum(h);
    return h;
  }

  private static void checksum(byte[] h) {
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    putOctal(h, 148, 7, sum);
    h[155] = ' ';
  }

  /** The largest size the 12-byte octal field holds: 8 GiB - 1. */
  static final long MAX_OCTAL_SIZE = 077777777777L;

  /**
   * Writes the header(s) for a regular file of {@code size} bytes at {@code path}: a pax extended
   * header first when the path is longer than 100 bytes or the size does not fit the octal field
   * (which then holds the size in base-256, as GNU tar writes it).
   */
  static void writeFileHeader(OutputStream out, String path, long size) throws IOException {
    boolean longPath = path.getBytes(StandardCharsets.UTF_8).length > 100;
    boolean bigSize = size > MAX_OCTAL_SIZE;
    if (!longPath && !bigSize) {
      out.write(header(path, size, '0'));
      return;
    }
    StringBuilder records = new StringBuilder();
    if (longPath) {
      records.append(paxRecord("path", path));
    }
    if (bigSize) {
      records.append(paxRecord("size", Long.toString(size)));
    }
    byte[] pax = records.toString().getBytes(StandardCharsets.UTF_8);
    String base = path.substring(path.lastIndexOf('/') + 1);
    String shortName = longPath ? "PaxHeaders/" + base : path;
    if (shortName.length() > 100) {
      shortName = shortName.substring(0, 100);
    }
    out.write(header(shortName, pax.length, 'x'));
    out.write(pax);
    pad(out, pax.length);
    byte[] file = header(shortName, bigSize ? 0 : size, '0');
    if (bigSize) {
      putBase256(file, 124, 12, size);
      checksum(file);
    }
    out.write(file);
  }

  /** One pax record, {@code "%d %s=%s\n"}, whose length counts its own digits. */
  static String paxRecord(String key, String value) {
    String record = " " + key + "=" + value + "\n";
    int len = record.getBytes(StandardCharsets.UTF_8).length;
    int total = len + String.valueOf(len).length();
    if (String.valueOf(total).length() != String.valueOf(len).length()) {
      total = len + String.valueOf(total).length();
    }
    return total + record;
  }

  private static void putBase256(byte[] header, int offset, int length, long value) {
    for (int i = offset + length - 1; i > offset; i--) {
      header[i] = (byte) (value & 0xff);
      value >>>= 8;
    }
    header[offset] = (byte) 0x80;
  }

  /** Pads the entry of {@code size} bytes to a whole block. */
  static void pad(OutputStream out, long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }

  /** Parses a numeric field: octal text, or base-256 when the high bit is set. */
  static long number(byte[] h, int offset, int length) throws IOException {
    if ((h[offset] & 0x80) != 0) {
      long value = h[offset] & 0x7f;
      for (int i = 1; i < length; i++) {
        if (value > (Long.MAX_VALUE >> 8)) {
          throw new IOException("tar number field overflows");
        }
        value = (value << 8) | (h[offset + i] & 0xff);
      }
      return value;
    }
    long value = 0;
    int i = offset;
    int end = offset + length;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    for (; i < end && h[i] != 0 && h[i] != ' '; i++) {
      int digit = h[i] - '0';
      if (digit < 0 || digit > 7) {
        throw new IOException("tar number field is not octal");
      }
      if (value > (Long.MAX_VALUE >> 3)) {
        throw new IOException("tar number field overflows");
      }
      value = value * 8 + digit;
    }
    return value;
  }

  static String string(byte[] h, int offset, int length) {
    int end = offset;
    while (end < offset + length && h[end] != 0) {
      end++;
    }
    return new String(h, offset, end - offset, StandardCharsets.UTF_8);
  }

  static boolean checksumOk(byte[] h) throws IOException {
    long stored = number(h, 148, 8);
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : h[i];
      unsigned += b & 0xff;
      signed += (i >= 148 && i < 156) ? ' ' : h[i];
    }
    return stored == unsigned || stored == signed;
  }

  static boolean isZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
