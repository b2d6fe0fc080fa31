package io.wharf.oci.auth;

import java.io.IOException;

/**
 * Checks a user name and a secret against one source of identities: an htpasswd file, static users,
 * robot accounts, an LDAP directory, an OIDC issuer (whose token is the secret). {@link Logins}
 * asks its verifiers in order; the first that {@linkplain Verification.Verified verifies} or
 * {@linkplain Verification.Rejected rejects} decides, one that does not know the user passes
 * ({@link Verification.Unknown}).
 *
 * <p>Implementations are thread-safe, never log or echo the secret, and take the time their check
 * takes (a bcrypt hash tens of milliseconds): {@link Logins} keeps that off the hot path.
 */
@FunctionalInterface
public interface PasswordVerifier {

  /**
   * Checks {@code secret} for {@code username}.
   *
   * @param username the name the client gave (already bounded in length and free of control
   *     characters)
   * @param secret the password, robot secret or token the client gave (bounded in length)
   * @throws IOException when the source cannot be reached (an LDAP server down): the login fails
   *     with a server error, not as a wrong password, and is not counted against the user
   */
  Verification verify(String username, String secret) throws IOException;
}
