package io.wharf.oci.storage.jdbc;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Timestamps as stored: ISO-8601 UTC text with exactly nine fraction digits ({@code
 * 2026-01-31T12:00:00.123456789Z}). Lossless for {@link Instant}, portable, readable, and for years
 * 0000 to 9999 the text order is the time order.
 */
final class Timestamps {

  private static final DateTimeFormatter FORMAT =
      new DateTimeFormatterBuilder().appendInstant(9).toFormatter();

  private Timestamps() {}

  static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  static Instant parse(String text) {
    return Instant.parse(text);
  }

  static @Nullable Instant parseNullable(@Nullable String text) {
    return text == null ? null : parse(text);
  }
}
