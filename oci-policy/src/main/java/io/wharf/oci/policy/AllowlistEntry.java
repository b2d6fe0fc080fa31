package io.wharf.oci.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A vulnerability a policy lets through: by id, until it expires.
 *
 * @param id the vulnerability's id ({@code CVE-2024-3094}, {@code GHSA-…}); compared without regard
 *     to case
 * @param expires the last instant the entry counts (a date in a document is the end of that day,
 *     UTC); none: it never expires
 * @param reason why it is allowed, shown in decisions
 */
public record AllowlistEntry(String id, Optional<Instant> expires, Optional<String> reason) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}");

  /** Validates the id: a letter or digit, then letters, digits and {@code . _ : / + -}. */
  public AllowlistEntry {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "a vulnerability id is a letter or digit, then up to 127 letters, digits and . _ : / +"
              + " -");
    }
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(reason, "reason");
  }

  /** An entry for {@code id} that never expires. */
  public static AllowlistEntry of(String id) {
    return new AllowlistEntry(id, Optional.empty(), Optional.empty());
  }

  /** An entry for {@code id} that counts until the end of {@code lastDay} (UTC). */
  public static AllowlistEntry until(String id, LocalDate lastDay) {
    return new AllowlistEntry(id, Optional.of(endOf(lastDay)), Optional.empty());
  }

  /** The last instant of {@code day}, UTC. */
  static Instant endOf(LocalDate day) {
    return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1);
  }

  /** The id in upper case, as entries and findings are compared. */
  String key() {
    return id.toUpperCase(Locale.ROOT);
  }

  /** Whether the entry no longer counts at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expires.isPresent() && now.isAfter(expires.get());
  }

  /** The day (UTC) the entry expires on, as decisions name it. */
  String expiryDay() {
    return expires.map(e -> LocalDate.ofInstant(e, ZoneOffset.UTC).toString()).orElse("never");
  }
}
