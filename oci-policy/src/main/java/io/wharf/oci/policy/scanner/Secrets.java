package io.wharf.oci.policy.scanner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The authorization values of one exchange with an adapter, to take out of anything the adapter
 * sends back before it goes into a message: an adapter may echo the registry's credentials in its
 * error ("cannot pull with Basic …"). The whole value, its credentials after the scheme, and for
 * {@code Basic} the decoded {@code user:password} and password are each replaced by {@code ***}.
 */
final class Secrets {

  /** Secrets shorter than this are not searched for: they would match ordinary words. */
  private static final int MIN_LENGTH = 4;

  private static final Secrets NONE = new Secrets(List.of());

  private final List<String> values;

  private Secrets(List<String> values) {
    this.values = values;
  }

  /** No secrets. */
  static Secrets none() {
    return NONE;
  }

  /** The secrets of these {@code Authorization} values. */
  static Secrets of(List<Optional<String>> authorizations) {
    List<String> values = new ArrayList<>();
    for (Optional<String> a : authorizations) {
      a.ifPresent(v -> addAuthorization(v, values));
    }
    values.removeIf(v -> v.length() < MIN_LENGTH);
    values.sort(Comparator.comparingInt(String::length).reversed());
    return values.isEmpty() ? NONE : new Secrets(List.copyOf(values));
  }

  private static void addAuthorization(String value, List<String> values) {
    String v = value.strip();
    values.add(v);
    int space = v.indexOf(' ');
    if (space < 0) {
      return;
    }
    String credentials = v.substring(space + 1).strip();
    values.add(credentials);
    if (v.substring(0, space).toLowerCase(Locale.ROOT).equals("basic")) {
      try {
        String decoded =
            new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        values.add(decoded);
        int colon = decoded.indexOf(':');
        if (colon >= 0) {
          values.add(decoded.substring(colon + 1));
        }
      } catch (IllegalArgumentException e) {
        // Not base64: the value and its credentials are taken out as they are.
      }
    }
  }

  /** {@code text} with every secret replaced by {@code ***}. */
  String redact(String text) {
    String result = text;
    for (String secret : values) {
      result = result.replace(secret, "***");
    }
    return result;
  }

  /**
   * {@code text} fit for a one-line message: control characters as spaces, at most {@code max}
   * characters (cut with {@code …}).
   */
  static String clean(String text, int max) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), max + 1));
    for (int i = 0; i < text.length() && sb.length() < max; i++) {
      char c = text.charAt(i);
      sb.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (text.length() > max) {
      sb.append('…');
    }
    return sb.toString().strip();
  }
}
