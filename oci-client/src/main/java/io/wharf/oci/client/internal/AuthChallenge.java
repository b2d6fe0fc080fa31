package io.wharf.oci.client.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1): a scheme and its
 * parameters, e.g. {@code Bearer realm="https://auth.example/token",service="registry"}.
 *
 * @param scheme the scheme, lower case ({@code basic}, {@code bearer})
 * @param params the parameters with lower-case names, values unquoted
 */
public record AuthChallenge(String scheme, Map<String, String> params) {

  /** The longest header value parsed; longer headers are cut there. */
  public static final int MAX_HEADER_LENGTH = 16 * 1024;

  /** The most challenges kept from one response. */
  public static final int MAX_CHALLENGES = 16;

  /** The most parameters kept in one challenge. */
  public static final int MAX_PARAMS = 32;

  /** Copies. */
  public AuthChallenge {
    params = Map.copyOf(params);
  }

  /** A parameter by lower-case name. */
  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /**
   * Parses every challenge of every {@code WWW-Authenticate} value, leniently: what cannot be
   * parsed ends the parse of that value, and what was parsed before is kept.
   */
  public static List<AuthChallenge> parse(List<String> headerValues) {
    List<AuthChallenge> result = new ArrayList<>();
    for (String value : headerValues) {
      String v = value.length() > MAX_HEADER_LENGTH ? value.substring(0, MAX_HEADER_LENGTH) : value;
      new Parser(v).parseInto(result);
      if (result.size() >= MAX_CHALLENGES) {
        return List.copyOf(result.subList(0, MAX_CHALLENGES));
      }
    }
    return List.copyOf(result);
  }

  /** The first challenge with {@code scheme} (lower case). */
  public static Optional<AuthChallenge> find(List<AuthChallenge> challenges, String scheme) {
    return challenges.stream().filter(c -> c.scheme().equals(scheme)).findFirst();
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    void parseInto(List<AuthChallenge> out) {
      while (out.size() < MAX_CHALLENGES) {
        skipSeparators();
        if (pos >= s.length()) {
          return;
        }
        String scheme = token();
        if (scheme.isEmpty()) {
          return; // not a token where a scheme must be: give up on the rest
        }
        Map<String, String> params = new LinkedHashMap<>();
        skipSpaces();
        int paramStart = pos;
        String first = token();
        if (!first.isEmpty() && isToken68End()) {
          // token68 (e.g. "Basic dXNlcg=="): kept as the "token68" parameter.
          params.put("token68", first + equalsRun());
        } else {
          pos = paramStart;
          while (params.size() < MAX_PARAMS) {
            int before = pos;
            skipSpaces();
            String name = token();
            skipSpaces();
            if (name.isEmpty() || pos >= s.length() || s.charAt(pos) != '=') {
              pos = before; // the next challenge's scheme, or junk
              break;
            }
            pos++; // '='
            skipSpaces();
            Optional<String> value = pos < s.length() && s.charAt(pos) == '"' ? quoted() : bare();
            if (value.isEmpty()) {
              out.add(new AuthChallenge(scheme.toLowerCase(Locale.ROOT), params));
              return;
            }
            params.putIfAbsent(name.toLowerCase(Locale.ROOT), value.get());
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == ',') {
              int afterComma = pos + 1;
              if (nextIsParam(afterComma)) {
                pos = afterComma;
                continue;
              }
              break;
            }
            break;
          }
        }
        out.add(new AuthChallenge(scheme.toLowerCase(Locale.ROOT), params));
        skipSpaces();
        if (pos < s.length() && s.charAt(pos) != ',') {
          return; // junk after a challenge
        }
      }
    }

    /** Whether the token just read is followed by {@code =*} and then the end or a comma. */
    private boolean isToken68End() {
      int p = pos;
      while (p < s.length() && s.charAt(p) == '=') {
        p++;
      }
      while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
        p++;
      }
      return p >= s.length() || s.charAt(p) == ',';
    }

    private String equalsRun() {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) == '=') {
        pos++;
      }
      return s.substring(start, pos);
    }

    /** Whether {@code token BWS "="} (but not a token68 end) starts at {@code p}, after spaces. */
    private boolean nextIsParam(int p) {
      int q = p;
      while (q < s.length() && (s.charAt(q) == ' ' || s.charAt(q) == '\t' || s.charAt(q) == ',')) {
        q++;
      }
      int start = q;
      while (q < s.length() && isTokenChar(s.charAt(q))) {
        q++;
      }
      if (q == start) {
        return false;
      }
      while (q < s.length() && (s.charAt(q) == ' ' || s.charAt(q) == '\t')) {
        q++;
      }
      return q < s.length() && s.charAt(q) == '=';
    }

    private Optional<String> quoted() {
      pos++; // opening quote
      StringBuilder b = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return Optional.of(b.toString());
        }
        if (c == '\\') {
          if (pos >= s.length()) {
            return Optional.empty();
          }
          c = s.charAt(pos++);
        }
        b.append(c);
      }
      return Optional.empty(); // unterminated
    }

    private Optional<String> bare() {
      String t = token();
      return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    private String token() {
      int start = pos;
      while (pos < s.length() && isTokenChar(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }

    private void skipSpaces() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
        pos++;
      }
    }

    private void skipSeparators() {
      while (pos < s.length()
          && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
        pos++;
      }
    }
  }

  /** RFC 9110 tchar, plus '/' and ':' which real servers put unquoted in realm values. */
  static boolean isTokenChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "!#$%&'*+-.^_`|~/:".indexOf(c) >= 0;
  }
}
