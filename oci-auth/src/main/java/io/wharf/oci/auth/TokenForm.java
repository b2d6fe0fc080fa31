package io.wharf.oci.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a token request: a query string or an {@code application/x-www-form-urlencoded}
 * body (the same encoding), bounded in size and count, each name and value percent-decoded as UTF-8
 * with {@code +} as a space.
 */
final class TokenForm {

  /** The longest query string or form body read: 64 KiB. */
  static final int MAX_CHARS = 64 * 1024;

  /** The most parameters read. */
  static final int MAX_PARAMETERS = 256;

  /** A form that breaks the bounds or the encoding (400). */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, List<String>> parameters;

  private TokenForm(Map<String, List<String>> parameters) {
    this.parameters = parameters;
  }

  /** The parameters of {@code encoded}. */
  static TokenForm parse(String encoded) throws Malformed {
    if (encoded.length() > MAX_CHARS) {
      throw new Malformed("the parameters are longer than " + MAX_CHARS + " characters");
    }
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    int count = 0;
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      if (++count > MAX_PARAMETERS) {
        throw new Malformed("more than " + MAX_PARAMETERS + " parameters");
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return new TokenForm(parameters);
  }

  private static String decode(String s) throws Malformed {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Malformed("malformed percent-encoding");
    }
  }

  /**
   * The one value of {@code name}, at most {@code maxLength} characters and free of control
   * characters.
   *
   * @throws Malformed when it is given twice, is longer or has a control character
   */
  Optional<String> single(String name, int maxLength) throws Malformed {
    List<String> values = parameters.getOrDefault(name, List.of());
    if (values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw new Malformed("parameter " + name + " is given more than once");
    }
    String value = values.get(0);
    if (value.length() > maxLength) {
      throw new Malformed("parameter " + name + " is longer than " + maxLength + " characters");
    }
    if (!value.isEmpty() && !Identities.isBounded(value, maxLength)) {
      throw new Malformed("parameter " + name + " has a control character");
    }
    return Optional.of(value);
  }

  /** Every value of {@code name}, in order. */
  List<String> all(String name) {
    return parameters.getOrDefault(name, List.of());
  }
}
