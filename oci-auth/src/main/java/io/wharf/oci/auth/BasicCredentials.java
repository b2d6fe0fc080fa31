package io.wharf.oci.auth;

import java.nio.charset.CharacterCodingException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A user name and secret from an {@code Authorization: Basic} header (RFC 7617), read strictly and
 * bounded: the header at most {@link #MAX_HEADER} characters, the name at most {@link #MAX_USER}
 * and the secret at most {@link #MAX_SECRET}, UTF-8, no control characters in the name. Never shows
 * the secret.
 *
 * @param username the user name
 * @param secret the password, robot secret or token
 */
record BasicCredentials(String username, String secret) {

  /** The longest {@code Authorization} header read, in characters. */
  static final int MAX_HEADER = 8192;

  /** The longest user name, in characters. */
  static final int MAX_USER = 256;

  /** The longest secret, in characters (an OIDC token as a password fits). */
  static final int MAX_SECRET = 4096;

  /** What a header said: no Basic credentials at all, malformed ones, or credentials. */
  sealed interface Parsed {}

  /** The header is absent or of another scheme. */
  record Absent() implements Parsed {}

  /**
   * The header claims Basic but cannot be read.
   *
   * @param reason why, for the client (never the header's content)
   */
  record Malformed(String reason) implements Parsed {}

  /** The credentials. */
  record Present(BasicCredentials credentials) implements Parsed {}

  /** Reads {@code header}, the value of {@code Authorization}. */
  static Parsed parse(Optional<String> header) {
    if (header.isEmpty()) {
      return new Absent();
    }
    String h = header.get();
    if (h.length() > MAX_HEADER) {
      return new Malformed("the Authorization header is longer than " + MAX_HEADER + " characters");
    }
    int space = h.indexOf(' ');
    String scheme = space < 0 ? h : h.substring(0, space);
    if (!scheme.toLowerCase(Locale.ROOT).equals("basic")) {
      return new Absent();
    }
    String encoded = space < 0 ? "" : h.substring(space + 1).strip();
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      return new Malformed("the Basic credentials are not base64");
    }
    String text;
    try {
      text = Identities.strictUtf8(decoded);
    } catch (CharacterCodingException e) {
      return new Malformed("the Basic credentials are not UTF-8");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      return new Malformed("the Basic credentials have no user name");
    }
    String user = text.substring(0, colon);
    String secret = text.substring(colon + 1);
    if (user.length() > MAX_USER || secret.length() > MAX_SECRET) {
      return new Malformed("the Basic credentials are too long");
    }
    if (!Identities.isBounded(user, MAX_USER)) {
      return new Malformed("the user name has control characters");
    }
    if (secret.isEmpty()) {
      return new Malformed("the Basic credentials have an empty password");
    }
    return new Present(new BasicCredentials(user, secret));
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "BasicCredentials[username=" + username + "]";
  }
}
