package io.wharf.oci.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code WWW-Authenticate} challenge (RFC 9110 section 11.6.1): how a client should authenticate.
 * A registry with Docker token authentication answers {@code Bearer realm="https://auth.example/
 * token",service="registry.example",scope="repository:app:pull"} (the Docker token specification);
 * one with passwords, {@code Basic realm="wharf"}.
 *
 * @param scheme the authentication scheme, such as {@code Basic} or {@code Bearer}
 * @param parameters the auth-params, in order; values are quoted on the wire
 */
public record Challenge(String scheme, Map<String, String> parameters) {

  /** Validates and copies, keeping the order. */
  public Challenge {
    if (!isToken(scheme)) {
      throw new IllegalArgumentException("a scheme is an HTTP token");
    }
    Map<String, String> copy = new LinkedHashMap<>();
    parameters.forEach(
        (name, value) -> {
          if (!isToken(name)) {
            throw new IllegalArgumentException("an auth-param name is an HTTP token");
          }
          for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
              throw new IllegalArgumentException("an auth-param value has no control characters");
            }
          }
          copy.put(name, Objects.requireNonNull(value, name));
        });
    parameters = Collections.unmodifiableMap(copy);
  }

  /** {@code Basic realm="<realm>"}. */
  public static Challenge basic(String realm) {
    return new Challenge("Basic", Map.of("realm", realm));
  }

  /**
   * {@code Bearer realm="<realm>",service="<service>"}, with {@code scope="<scope>"} when scope is
   * not empty (the Docker token specification).
   */
  public static Challenge bearer(String realm, String service, String scope) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("realm", realm);
    p.put("service", service);
    if (!scope.isEmpty()) {
      p.put("scope", scope);
    }
    return new Challenge("Bearer", p);
  }

  /** The header value: the scheme, then {@code name="value"} pairs separated by commas. */
  public String headerValue() {
    StringBuilder b = new StringBuilder(scheme);
    String separator = " ";
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      b.append(separator).append(p.getKey()).append("=\"");
      String v = p.getValue();
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '"' || c == '\\') {
          b.append('\\');
        }
        b.append(c);
      }
      b.append('"');
      separator = ",";
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return headerValue();
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
