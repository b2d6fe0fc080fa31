package io.wharf.oci.client.testsupport;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * The few ASN.1 DER encodings a minimal X.509 certificate needs (X.690): enough to write a
 * TBSCertificate by hand, and to read an ECDSA signature back. Not a general DER library.
 */
final class Der {

  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");

  private Der() {}

  static byte[] sequence(byte[]... items) {
    return tlv(0x30, concat(items));
  }

  static byte[] set(byte[]... items) {
    return tlv(0x31, concat(items));
  }

  /** A context-specific, constructed, explicit tag {@code [n]}. */
  static byte[] explicit(int n, byte[] content) {
    return tlv(0xA0 | n, content);
  }

  static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray());
  }

  static byte[] bool(boolean value) {
    return tlv(0x01, new byte[] {(byte) (value ? 0xFF : 0x00)});
  }

  static byte[] nullValue() {
    return new byte[] {0x05, 0x00};
  }

  static byte[] octetString(byte[] content) {
    return tlv(0x04, content);
  }

  /** A BIT STRING with {@code unusedBits} unused bits in its last byte. */
  static byte[] bitString(int unusedBits, byte[] content) {
    byte[] v = new byte[content.length + 1];
    v[0] = (byte) unusedBits;
    System.arraycopy(content, 0, v, 1, content.length);
    return tlv(0x03, v);
  }

  static byte[] utf8String(String s) {
    return tlv(0x0C, s.getBytes(StandardCharsets.UTF_8));
  }

  /** UTCTime, to the second (valid for years 1950 to 2049, as RFC 5280 requires). */
  static byte[] utcTime(ZonedDateTime time) {
    ZonedDateTime t = time.withZoneSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    if (t.getYear() < 1950 || t.getYear() > 2049) {
      throw new IllegalArgumentException("UTCTime covers 1950-2049 only: " + t);
    }
    return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  /** An OBJECT IDENTIFIER from its dotted form, e.g. {@code 1.2.840.10045.4.3.2}. */
  static byte[] oid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long arc = Long.parseLong(parts[i]);
      int groups = 1;
      for (long a = arc >>> 7; a != 0; a >>>= 7) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        int b = (int) ((arc >>> (7 * g)) & 0x7F);
        out.write(g == 0 ? b : b | 0x80);
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = 0;
      for (int l = len; l != 0; l >>>= 8) {
        bytes++;
      }
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((len >>> (8 * i)) & 0xFF);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] item : items) {
      out.writeBytes(item);
    }
    return out.toByteArray();
  }

  /**
   * Converts a DER {@code ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }} (what the JDK's
   * {@code SHA256withECDSA} produces) to the JOSE form JWS requires (RFC 7518 section 3.4): R and S
   * as unsigned big-endian integers of exactly {@code fieldBytes} bytes each, concatenated.
   */
  static byte[] ecdsaDerToJose(byte[] der, int fieldBytes) {
    Reader r = new Reader(der);
    Reader seq = r.enter(0x30);
    if (!r.atEnd()) {
      throw new IllegalArgumentException("trailing bytes after the ECDSA signature");
    }
    byte[] rs = new byte[2 * fieldBytes];
    for (int i = 0; i < 2; i++) {
      byte[] v = seq.read(0x02);
      int from = 0;
      while (from < v.length - 1 && v[from] == 0) {
        from++;
      }
      int len = v.length - from;
      if (len > fieldBytes) {
        throw new IllegalArgumentException("ECDSA integer longer than " + fieldBytes + " bytes");
      }
      System.arraycopy(v, from, rs, i * fieldBytes + fieldBytes - len, len);
    }
    if (!seq.atEnd()) {
      throw new IllegalArgumentException("ECDSA signature has more than two integers");
    }
    return rs;
  }

  /** A bounded reader of definite-length DER. */
  static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    Reader(byte[] buf) {
      this(buf, 0, buf.length);
    }

    private Reader(byte[] buf, int from, int end) {
      this.buf = buf;
      this.pos = from;
      this.end = end;
    }

    boolean atEnd() {
      return pos == end;
    }

    /** The content of the next element, which must have tag {@code tag}. */
    byte[] read(int tag) {
      int[] bounds = next(tag);
      return Arrays.copyOfRange(buf, bounds[0], bounds[1]);
    }

    /** A reader over the content of the next element, which must have tag {@code tag}. */
    Reader enter(int tag) {
      int[] bounds = next(tag);
      return new Reader(buf, bounds[0], bounds[1]);
    }

    private int[] next(int tag) {
      if (end - pos < 2) {
        throw new IllegalArgumentException("truncated DER at " + pos);
      }
      int t = buf[pos++] & 0xFF;
      if (t != tag) {
        throw new IllegalArgumentException(
            "DER tag 0x" + Integer.toHexString(t) + " where 0x" + Integer.toHexString(tag));
      }
      int len = buf[pos++] & 0xFF;
      if (len >= 0x80) {
        int n = len & 0x7F;
        if (n == 0 || n > 3 || end - pos < n) {
          throw new IllegalArgumentException("unsupported DER length at " + pos);
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (buf[pos++] & 0xFF);
        }
      }
      if (end - pos < len) {
        throw new IllegalArgumentException("DER element runs past its container at " + pos);
      }
      int[] bounds = {pos, pos + len};
      pos += len;
      return bounds;
    }
  }
}
