package io.wharf.oci.storage;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A satisfiable slice of a blob: {@code length} bytes from {@code offset}. {@link #resolve} reads
 * an HTTP {@code Range} header (RFC 9110 sections 14.1.2 and 14.2) against a blob's size as a
 * server that sends one range at a time; {@link #parse} is its strict form.
 *
 * @param offset the first byte
 * @param length how many bytes
 */
public record ByteRange(long offset, long length) {

  /**
   * The key, in a 416's {@link InvalidContentException#detail() detail}, of the value for its
   * {@code Content-Range} header ({@code bytes *}{@code /<size>}).
   */
  public static final String CONTENT_RANGE_DETAIL = "contentRange";

  /** More ranges than this in one header are ignored unread (RFC 9110 lets a server). */
  private static final int MAX_RANGES = 64;

  private static final Pattern RANGE = Pattern.compile("(\\d*)-(\\d*)");

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
              + " bytes",
          size);
    }
  }

  /** The last byte, inclusive, as HTTP writes it; -1 for an empty range. */
  public long last() {
    return offset + length - 1;
  }

  /**
   * Resolves {@code header} ({@code bytes=first-last}, {@code bytes=first-} or {@code
   * bytes=-suffix}) against a blob of {@code size} bytes. A last byte past the end is cut to the
   * end. Strict: anything {@link #resolve} would ignore is an error here.
   *
   * @throws InvalidContentException with {@link ErrorCode#RANGE_INVALID} (416) when the header is
   *     malformed, names another unit or several ranges, or no byte of it lies within the blob
   */
  public static ByteRange parse(String header, long size) {
    return resolve(header, size)
        .orElseThrow(
            () -> invalid("malformed or multiple range '" + abbreviate(header) + "'", size));
  }

  /**
   * Resolves a {@code Range} request header against a blob of {@code size} bytes as RFC 9110
   * section 14.2 lets a server that serves one range at a time: empty when the header is to be
   * ignored and the whole blob sent (another unit than {@code bytes}, a malformed value, or several
   * ranges of which at least one is satisfiable: Wharf sends no {@code multipart/byteranges}), the
   * one range when it names one that overlaps the blob.
   *
   * @throws InvalidContentException with {@link ErrorCode#RANGE_INVALID} (416) when the header is a
   *     well-formed {@code bytes} range set none of whose ranges overlaps the blob; its detail's
   *     {@link #CONTENT_RANGE_DETAIL} is {@code bytes *}{@code /<size>}, for the 416's {@code
   *     Content-Range} header
   */
  public static Optional<ByteRange> resolve(String header, long size) {
    String value = header.strip();
    int eq = value.indexOf('=');
    if (eq < 0 || !value.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
      return Optional.empty();
    }
    String[] specs = value.substring(eq + 1).split(",", -1);
    if (specs.length > MAX_RANGES) {
      return Optional.empty();
    }
    List<ByteRange> satisfiable = new ArrayList<>(1);
    for (String spec : specs) {
      Matcher m = RANGE.matcher(spec.strip());
      if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
        return Optional.empty();
      }
      long last = m.group(2).isEmpty() ? Long.MAX_VALUE : digits(m.group(2));
      if (m.group(1).isEmpty()) {
        if (last > 0 && size > 0) {
          long length = Math.min(last, size);
          satisfiable.add(new ByteRange(size - length, length));
        }
        continue;
      }
      long first = digits(m.group(1));
      if (last < first) {
        return Optional.empty();
      }
      if (first < size) {
        satisfiable.add(new ByteRange(first, Math.min(last, size - 1) - first + 1));
      }
    }
    if (satisfiable.isEmpty()) {
      throw invalid(
          "range " + abbreviate(header) + " is not satisfiable for " + size + " bytes", size);
    }
    return specs.length == 1 ? Optional.of(satisfiable.get(0)) : Optional.empty();
  }

  /** A run of decimal digits; more than a long holds reads as the largest long. */
  private static long digits(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }

  private static InvalidContentException invalid(String message, long size) {
    return new InvalidContentException(
        ErrorCode.RANGE_INVALID, message, Map.of(CONTENT_RANGE_DETAIL, "bytes */" + size));
  }
}
