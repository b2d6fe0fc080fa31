package io.wharf.oci.storage.access;

import java.util.Objects;

/**
 * Who a membership is for: a user, or a group (every user in it, as an identity provider such as
 * LDAP or OIDC reports the groups).
 *
 * @param kind user or group
 * @param name the user's or group's name as the identity provider spells it (1 to 256 characters,
 *     no control characters, no unpaired surrogates); compared exactly
 */
public record Principal(Kind kind, String name) implements Comparable<Principal> {

  /** A user or a group. */
  public enum Kind {
    /** One user, by login name. */
    USER,
    /** Every member of a group. */
    GROUP
  }

  /** Validates. */
  public Principal {
    Objects.requireNonNull(kind, "kind");
    checkName(name);
  }

  /** The user {@code name}. */
  public static Principal user(String name) {
    return new Principal(Kind.USER, name);
  }

  /** The group {@code name}. */
  public static Principal group(String name) {
    return new Principal(Kind.GROUP, name);
  }

  static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 256) {
      throw new IllegalArgumentException("a user or group name has 1 to 256 characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("a user or group name has no control characters");
      }
    }
    return StorableText.check(name, "a user or group name");
  }

  @Override
  public int compareTo(Principal other) {
    int c = kind.compareTo(other.kind);
    return c != 0 ? c : name.compareTo(other.name);
  }

  /** {@code user:<name>} or {@code group:<name>}. */
  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
  }
}
