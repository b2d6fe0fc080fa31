package io.wharf.oci.client.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The {@code Retry-After} header (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date. */
public final class RetryAfter {

  /** The longest wait taken from a header; larger values are cut to it. */
  public static final Duration MAX = Duration.ofDays(1);

  private RetryAfter() {}

  /** The wait the header asks for, from {@code clock}'s now; empty when it is malformed. */
  public static Optional<Duration> parse(String value, Clock clock) {
    String v = value.trim();
    if (v.isEmpty() || v.length() > 64) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 9) {
        return Optional.of(MAX);
      }
      Duration d = Duration.ofSeconds(Long.parseLong(v));
      return Optional.of(d.compareTo(MAX) > 0 ? MAX : d);
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(clock.instant(), at.toInstant());
      if (d.isNegative()) {
        return Optional.of(Duration.ZERO);
      }
      return Optional.of(d.compareTo(MAX) > 0 ? MAX : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
