package io.wharf.oci.storage;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A satisfiable slice of a blob: {@code length} bytes from {@code offset}. {@link #parse} resolves
 * an HTTP {@code Range} header (RFC 9110 section 14.1.2, one range) against a blob's size.
 *
 * @param offset the first byte
 * @param length how many bytes
 */
public record ByteRange(long offset, long length) {

  private static final Pattern RANGE =
      Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})", Pattern.CASE_INSENSITIVE);

  /** Validates. */
  public ByteRange {
    if (offset < 0 || length < 0 || offset + length < 0) {
      throw new IllegalArgumentException("invalid range " + offset + "+" + length);
    }
  }

  /** The whole of a blob of {@code size} bytes. */
  public static ByteRange all(long size) {
    return new ByteRange(0, size);
  }

  /**
   * Checks that this range lies within blob {@code digest} of {@code size} bytes.
   *
   * @throws InvalidContentException with {@link ErrorCode#RANGE_INVALID} (416) when it does not
   */
  public void checkWithin(io.wharf.oci.model.Digest digest, long size) {
    if (offset + length > size || offset >= size && length > 0) {
      throw invalid(
          "range "
              + offset
              + "-"
              + last()
              + " is outside blob "
              + digest
              + " of "
              + size
              + " bytes");
    }
  }

  /** The last byte, inclusive, as HTTP writes it; -1 for an empty range. */
  public long last() {
    return offset + length - 1;
  }

  /**
   * Resolves {@code header} ({@code bytes=first-last}, {@code bytes=first-} or {@code
   * bytes=-suffix}) against a blob of {@code size} bytes. A last byte past the end is cut to the
   * end.
   *
   * @throws InvalidContentException with {@link ErrorCode#RANGE_INVALID} (416) when the header is
   *     malformed, names several ranges, or no byte of it lies within the blob
   */
  public static ByteRange parse(String header, long size) {
    Matcher m = RANGE.matcher(header.strip());
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      throw invalid("malformed or multiple range '" + abbreviate(header) + "'");
    }
    try {
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0 || size == 0) {
          throw invalid("range " + header + " is not satisfiable for " + size + " bytes");
        }
        long length = Math.min(suffix, size);
        return new ByteRange(size - length, length);
      }
      long first = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? size - 1 : Long.parseLong(m.group(2));
      if (last < first) {
        throw invalid("range " + header + " ends before it starts");
      }
      if (first >= size) {
        throw invalid("range " + header + " starts past the end of " + size + " bytes");
      }
      return new ByteRange(first, Math.min(last, size - 1) - first + 1);
    } catch (NumberFormatException e) {
      throw invalid("range numbers in '" + abbreviate(header) + "' are too large");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }

  private static InvalidContentException invalid(String message) {
    return new InvalidContentException(ErrorCode.RANGE_INVALID, message);
  }
}
