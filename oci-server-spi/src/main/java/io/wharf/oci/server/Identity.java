package io.wharf.oci.server;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who is asking, as an {@link Authenticator} found out: a named user, robot or service, or {@link
 * #ANONYMOUS}. Authorizers, gates, events and logs see the same value. Never holds a secret: no
 * password, token or hash belongs in {@code attributes}.
 *
 * @param name the name, empty for the anonymous caller
 * @param groups the groups the caller belongs to (for example from LDAP or an OIDC claim)
 * @param attributes other facts about the caller an authorizer may use (for example {@code issuer}
 *     or {@code method}); never secrets
 * @param grantedAccess when present, the most this caller may do, whatever the {@link Authorizer}
 *     says: the access a bearer token granted. The engine refuses any access outside it before it
 *     asks the authorizer. Empty means no such limit.
 */
public record Identity(
    Optional<String> name,
    Set<String> groups,
    Map<String, String> attributes,
    Optional<Set<Access>> grantedAccess) {

  /** The caller who presented no credentials (or whom the authenticator let in as nobody). */
  public static final Identity ANONYMOUS =
      new Identity(Optional.empty(), Set.of(), Map.of(), Optional.empty());

  /** Validates and copies. */
  public Identity {
    Objects.requireNonNull(name, "name");
    name.ifPresent(Identity::checkName);
    groups = Collections.unmodifiableSet(new TreeSet<>(groups));
    attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
    grantedAccess = grantedAccess.map(Set::copyOf);
  }

  private static void checkName(String name) {
    if (name.isEmpty() || name.length() > 256) {
      throw new IllegalArgumentException("an identity's name has 1 to 256 characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("an identity's name has no control characters");
      }
    }
  }

  /** The caller named {@code name}, with no groups, attributes or limit. */
  public static Identity named(String name) {
    return new Identity(Optional.of(name), Set.of(), Map.of(), Optional.empty());
  }

  /** This identity in {@code groups}. */
  public Identity withGroups(Set<String> groups) {
    return new Identity(name, groups, attributes, grantedAccess);
  }

  /** This identity with {@code attributes}. */
  public Identity withAttributes(Map<String, String> attributes) {
    return new Identity(name, groups, attributes, grantedAccess);
  }

  /** This identity limited to {@code access} (see {@link #grantedAccess()}). */
  public Identity withGrantedAccess(Set<Access> access) {
    return new Identity(name, groups, attributes, Optional.of(access));
  }

  /** Whether this is the anonymous caller. */
  public boolean isAnonymous() {
    return name.isEmpty();
  }

  /**
   * Whether {@link #grantedAccess()} allows {@code access}: always without a limit; {@link
   * Action#LOGIN} with any limit (a valid token of any scope lets its bearer in).
   */
  public boolean mayAttempt(Access access) {
    return grantedAccess.isEmpty()
        || access.action() == Action.LOGIN
        || grantedAccess.get().contains(access);
  }

  /** The name, or {@code anonymous}: for logs and messages. */
  @Override
  public String toString() {
    return name.orElse("anonymous");
  }
}
