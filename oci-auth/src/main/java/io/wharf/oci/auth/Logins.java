package io.wharf.oci.auth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Logs callers in with a user name and a secret: the one place passwords are checked, shared by the
 * token service and Basic authentication on the registry. It asks its {@link PasswordVerifier}s in
 * order, throttles failed attempts per user name and per client address, and remembers successful
 * checks for a short time under a key derived from the secret (never the secret itself), so that a
 * client sending Basic credentials on every request does not pay a bcrypt check each time.
 */
public interface Logins {

  /**
   * Logs {@code username} in with {@code secret}.
   *
   * @param client where the attempt came from, when known (the throttle's second key)
   * @return what happened; a {@link LoginResult.Throttled} attempt was not checked at all
   * @throws IOException when an identity source cannot be reached
   */
  LoginResult login(String username, String secret, Optional<InetSocketAddress> client)
      throws IOException;
}
