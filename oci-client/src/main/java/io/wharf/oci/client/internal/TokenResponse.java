package io.wharf.oci.client.internal;

import io.wharf.oci.model.Bytes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * A token server's answer (distribution's token.md and oauth.md): {@code token} or {@code
 * access_token}, {@code expires_in} in seconds (60 when absent, and never less, as docker does),
 * {@code issued_at} (RFC 3339), and an optional {@code refresh_token}.
 *
 * @param token the bearer token
 * @param expiresIn how long it lives
 * @param issuedAt when it was issued, when the server said so
 * @param refreshToken an OAuth2 refresh token for later requests
 */
public record TokenResponse(
    String token, Duration expiresIn, Optional<Instant> issuedAt, Optional<String> refreshToken) {

  /** The largest token answer read. */
  public static final int MAX_BYTES = 1024 * 1024;

  /** The shortest lifetime assumed, as docker assumes. */
  public static final Duration MIN_EXPIRES_IN = Duration.ofSeconds(60);

  /** Redacts. */
  @Override
  public String toString() {
    return "TokenResponse[token=***, expiresIn=" + expiresIn + ", issuedAt=" + issuedAt + "]";
  }

  /** Parses an answer. */
  public static TokenResponse parse(Bytes body) throws IOException {
    Map<String, Object> json = Json.readObject(body.toByteArray(), "token response");
    String token = string(json, "token");
    if (token.isEmpty()) {
      token = string(json, "access_token");
    }
    if (token.isEmpty()) {
      throw new IOException("token response has neither token nor access_token");
    }
    if (token.length() > 64 * 1024 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IOException("token response has a token that is not a header-safe string");
    }
    Duration expiresIn = MIN_EXPIRES_IN;
    Object e = json.get("expires_in");
    if (e != null) {
      long seconds = Json.asLong(e, "expires_in");
      if (seconds > MIN_EXPIRES_IN.toSeconds()) {
        expiresIn = Duration.ofSeconds(Math.min(seconds, Duration.ofDays(365).toSeconds()));
      }
    }
    Optional<Instant> issuedAt = Optional.empty();
    String issued = string(json, "issued_at");
    if (!issued.isEmpty()) {
      try {
        issuedAt = Optional.of(Instant.parse(issued));
      } catch (DateTimeParseException x) {
        // docker ignores a malformed issued_at too; the lifetime counts from now
      }
    }
    String refresh = string(json, "refresh_token");
    return new TokenResponse(
        token, expiresIn, issuedAt, refresh.isEmpty() ? Optional.empty() : Optional.of(refresh));
  }

  private static String string(Map<String, Object> json, String field) throws IOException {
    Object v = json.get(field);
    return v == null ? "" : Json.asString(v, field);
  }

  /**
   * When the token expires, seen from {@code now}: {@code issued_at + expires_in} when the server's
   * clock looks sane (within a day of ours), otherwise {@code now + expires_in}.
   */
  public Instant expiresAt(Instant now) {
    if (issuedAt.isPresent()) {
      Duration skew = Duration.between(issuedAt.get(), now).abs();
      if (skew.compareTo(Duration.ofDays(1)) < 0) {
        return issuedAt.get().plus(expiresIn);
      }
    }
    return now.plus(expiresIn);
  }
}
