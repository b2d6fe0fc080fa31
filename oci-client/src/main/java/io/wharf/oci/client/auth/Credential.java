package io.wharf.oci.client.auth;

import java.util.Objects;

/**
 * What the client presents to a registry. {@code toString()} never shows a secret.
 *
 * <ul>
 *   <li>{@link Anonymous}: nothing; registries that allow anonymous pulls still hand out tokens.
 *   <li>{@link Basic}: a user name and password (or personal access token), sent as HTTP Basic to
 *       registries that ask for it and to token servers.
 *   <li>{@link IdentityToken}: an OAuth2 refresh token ({@code identitytoken} in docker's config),
 *       exchanged at the token server with {@code grant_type=refresh_token}.
 *   <li>{@link RegistryToken}: a bearer token sent as it is (for registries that issue long-lived
 *       tokens); no token server is asked.
 * </ul>
 */
public sealed interface Credential
    permits Credential.Anonymous,
        Credential.Basic,
        Credential.IdentityToken,
        Credential.RegistryToken {

  /** No credential. */
  static Credential anonymous() {
    return Anonymous.INSTANCE;
  }

  /** A user name and password. */
  static Credential basic(String username, String password) {
    return new Basic(username, password);
  }

  /** An OAuth2 refresh token. */
  static Credential identityToken(String token) {
    return new IdentityToken(token);
  }

  /** A bearer token sent as it is. */
  static Credential registryToken(String token) {
    return new RegistryToken(token);
  }

  /** No credential. */
  final class Anonymous implements Credential {
    static final Anonymous INSTANCE = new Anonymous();

    private Anonymous() {}

    @Override
    public String toString() {
      return "Anonymous";
    }
  }

  /**
   * A user name and password.
   *
   * @param username the user name, not empty
   * @param password the password or access token
   */
  record Basic(String username, String password) implements Credential {
    /** Checks that the user name is usable in HTTP Basic. */
    public Basic {
      Objects.requireNonNull(password, "password");
      if (username.isEmpty() || username.indexOf(':') >= 0) {
        throw new IllegalArgumentException("a Basic user name must be non-empty without ':'");
      }
    }

    @Override
    public String toString() {
      return "Basic[username=" + username + ", password=***]";
    }
  }

  /**
   * An OAuth2 refresh token.
   *
   * @param token the token, not empty
   */
  record IdentityToken(String token) implements Credential {
    /** Checks that the token is not empty. */
    public IdentityToken {
      if (token.isEmpty()) {
        throw new IllegalArgumentException("an identity token must not be empty");
      }
    }

    @Override
    public String toString() {
      return "IdentityToken[***]";
    }
  }

  /**
   * A bearer token sent as it is.
   *
   * @param token the token, not empty
   */
  record RegistryToken(String token) implements Credential {
    /** Checks that the token is not empty. */
    public RegistryToken {
      if (token.isEmpty()) {
        throw new IllegalArgumentException("a registry token must not be empty");
      }
    }

    @Override
    public String toString() {
      return "RegistryToken[***]";
    }
  }
}
