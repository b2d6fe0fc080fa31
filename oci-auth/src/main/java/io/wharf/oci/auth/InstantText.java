package io.wharf.oci.auth;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Instants as {@link Instant#toString()} writes them ({@code 2026-12-04T15:42:10.123Z}: ISO-8601 in
 * UTC, the fraction in groups of three digits, none when zero), quicker: the text up to the seconds
 * is kept for the last second seen, so that the audit lines of one second format their date once.
 * Instants outside the years 1970 to 9999 are left to {@link Instant#toString()}. Thread-safe.
 */
final class InstantText {

  /** 9999-12-31T23:59:59Z, the last second this formats itself. */
  private static final long LAST_SECOND = 253_402_300_799L;

  /** The text of one second, up to and including its seconds. */
  private record Second(long epochSecond, String text) {}

  private volatile Second last = new Second(-1, "");

  String format(Instant instant) {
    long epochSecond = instant.getEpochSecond();
    if (epochSecond < 0 || epochSecond > LAST_SECOND) {
      return instant.toString();
    }
    Second second = last;
    if (second.epochSecond() != epochSecond) {
      second = new Second(epochSecond, secondText(epochSecond));
      last = second;
    }
    int nanos = instant.getNano();
    StringBuilder text = new StringBuilder(30).append(second.text());
    if (nanos != 0) {
      text.append('.');
      if (nanos % 1_000_000 == 0) {
        digits(text, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        digits(text, nanos / 1_000, 6);
      } else {
        digits(text, nanos, 9);
      }
    }
    return text.append('Z').toString();
  }

  private static String secondText(long epochSecond) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    StringBuilder text = new StringBuilder(19);
    digits(text, t.getYear(), 4);
    digits(text.append('-'), t.getMonthValue(), 2);
    digits(text.append('-'), t.getDayOfMonth(), 2);
    digits(text.append('T'), t.getHour(), 2);
    digits(text.append(':'), t.getMinute(), 2);
    digits(text.append(':'), t.getSecond(), 2);
    return text.toString();
  }

  /** {@code value} in {@code width} decimal digits, with leading zeros. */
  private static void digits(StringBuilder text, int value, int width) {
    int start = text.length();
    for (int i = 0; i < width; i++) {
      text.append('0');
    }
    for (int at = start + width - 1; value > 0; at--) {
      text.setCharAt(at, (char) ('0' + value % 10));
      value /= 10;
    }
  }
}
