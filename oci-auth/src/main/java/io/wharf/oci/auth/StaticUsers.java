package io.wharf.oci.auth;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Users given in code or configuration, each with a bcrypt hash (never a password in plain text:
 * make the hash with {@code htpasswd -nB user} or {@link #hash}) and optional groups. Checked like
 * an {@link Htpasswd} file: an unknown user is {@link Verification.Unknown} after a dummy check of
 * the same cost, a wrong password {@link Verification.Rejected}. Identities have the attributes
 * {@code kind=user} and {@code source=static}, and the user's groups.
 *
 * <p>Immutable and thread-safe.
 */
public final class StaticUsers implements PasswordVerifier {

  private record User(String hash, Set<String> groups) {}

  private final Map<String, User> users;
  private final String dummy;

  private StaticUsers(Map<String, User> users) {
    this.users = Map.copyOf(users);
    this.dummy = Bcrypt.dummyFor(users.values().stream().map(User::hash).toList());
  }

  /** A builder with no users. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A bcrypt hash of {@code password} at {@code cost} (4 to 31; 10 is a sound choice, {@code
   * htpasswd -B} uses 5), with a random salt, for a static user's configuration or an htpasswd
   * line. Only the first 72 bytes of the password count, as everywhere bcrypt is used.
   */
  public static String hash(CharSequence password, int cost) {
    return Bcrypt.hash(password, cost);
  }

  /** The user names. */
  public Set<String> users() {
    return users.keySet();
  }

  @Override
  public Verification verify(String username, String secret) {
    User user = users.get(username);
    if (user == null) {
      Bcrypt.matches(dummy, secret);
      return Verification.unknown();
    }
    if (!Bcrypt.matches(user.hash(), secret)) {
      return Verification.rejected("wrong password for static user " + username);
    }
    return Verification.verified(Identities.user(username, "static", user.groups()));
  }

  /** Names the users, never their hashes. */
  @Override
  public String toString() {
    return "StaticUsers" + users.keySet();
  }

  /** Collects the users. */
  public static final class Builder {
    private final Map<String, User> users = new LinkedHashMap<>();

    private Builder() {}

    /** Adds user {@code name} with bcrypt hash {@code bcryptHash}, in no group. */
    public Builder user(String name, String bcryptHash) {
      return user(name, bcryptHash, Set.of());
    }

    /**
     * Adds user {@code name} with bcrypt hash {@code bcryptHash}, in {@code groups}.
     *
     * @throws IllegalArgumentException when the name is not 1 to 256 characters without control
     *     characters or colons, the hash is not bcrypt, or the user was added before
     */
    public Builder user(String name, String bcryptHash, Set<String> groups) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(bcryptHash, "bcryptHash");
      try {
        HtpasswdParser.parse((name + ":" + bcryptHash).getBytes(StandardCharsets.UTF_8));
      } catch (HtpasswdFormatException e) {
        throw new IllegalArgumentException("static user " + safe(name) + ": " + e.problem());
      }
      for (String g : groups) {
        if (!Identities.isValidName(g)) {
          throw new IllegalArgumentException(
              "static user " + name + ": a group name has 1 to 256 characters, none a control one");
        }
      }
      if (users.putIfAbsent(name, new User(bcryptHash, Set.copyOf(groups))) != null) {
        throw new IllegalArgumentException("static user " + name + " is given twice");
      }
      return this;
    }

    private static String safe(String name) {
      return Identities.isValidName(name) ? name : "(an invalid name)";
    }

    /** The users. */
    public StaticUsers build() {
      return new StaticUsers(users);
    }
  }
}
