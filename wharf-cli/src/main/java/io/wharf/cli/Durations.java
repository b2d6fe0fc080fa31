package io.wharf.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in a config file: {@code 24h}, {@code 90m}, {@code 1h30m}. */
final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

  private Durations() {}

  /**
   * Parses a positive duration: one or more of number and unit ({@code ms}, {@code s}, {@code m},
   * {@code h}, {@code d}), e.g. {@code 24h} or {@code 1h30m}, or ISO-8601 ({@code PT24H}).
   *
   * @throws IllegalArgumentException with a message that shows the expected form
   */
  static Duration parse(String text) {
    Duration result = parseAny(text);
    if (result.isNegative() || result.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is not a positive duration");
    }
    return result;
  }

  /**
   * As {@link #parse}, but zero ({@code 0s}) is allowed: for a grace period given on the command
   * line.
   */
  static Duration parseNonNegative(String text) {
    Duration result = parseAny(text);
    if (result.isNegative()) {
      throw new IllegalArgumentException("'" + text + "' is a negative duration");
    }
    return result;
  }

  /** The duration {@code text} says, whatever its sign. */
  private static Duration parseAny(String text) {
    String t = text.strip();
    Duration result;
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        result = Duration.parse(t);
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    } else {
      if (!WHOLE.matcher(t).matches()) {
        throw invalid(text);
      }
      result = Duration.ZERO;
      Matcher m = PART.matcher(t);
      try {
        while (m.find()) {
          long n = Long.parseLong(m.group(1));
          result =
              result.plus(
                  switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                  });
        }
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is too long a duration");
      }
    }
    return result;
  }

  /** {@code d} written back as briefly as {@link #parse} reads it, e.g. {@code 24h}. */
  static String format(Duration d) {
    if (d.toMillisPart() != 0 || d.toNanosPart() % 1_000_000 != 0) {
      return d.toMillis() + "ms";
    }
    StringBuilder b = new StringBuilder();
    long hours = d.toHours();
    if (hours > 0) {
      b.append(hours).append('h');
    }
    if (d.toMinutesPart() > 0) {
      b.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0) {
      b.append(d.toSecondsPart()).append('s');
    }
    return b.length() == 0 ? "0s" : b.toString();
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "'"
            + text
            + "' is not a duration (for example 24h, 30m, 1h30m, 90s, 7d or ISO-8601 PT24H)");
  }
}
