package io.wharf.examples;

import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Authenticator;
import io.wharf.oci.server.Challenge;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RequestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * An {@link Authenticator} for one user with a password, sent as HTTP Basic ({@code Authorization:
 * Basic base64(user:password)}), as {@code docker login}, skopeo's {@code --creds} and {@code
 * RegistryClient} with {@code Credential.basic} send it. Use it over HTTPS (or on loopback): Basic
 * credentials travel in clear.
 *
 * <ul>
 *   <li>No {@code Authorization} header: the caller is {@link Identity#ANONYMOUS}, and what it may
 *       do is the {@link io.wharf.oci.server.Authorizer}'s decision. So is an empty user name
 *       ({@code Basic Og==}, base64 of {@code ":"}), which some clients send when they have no
 *       credentials for a registry that asked for Basic.
 *   <li>The right user and password: the caller is {@link Identity#named(String)} that user.
 *   <li>Anything else: refused, {@code 401 UNAUTHORIZED} with the {@link #challenge} and a reason
 *       that never repeats what was sent.
 * </ul>
 *
 * The user name and password are compared with {@link MessageDigest#isEqual}, whose time does not
 * depend on where the bytes differ, so a caller cannot guess the password byte by byte by timing
 * the answers. A real application keeps a salted hash (bcrypt, PBKDF2) instead of the password, and
 * caches the slow check.
 */
public final class BasicAuthenticator implements Authenticator {

  private final String user;
  private final byte[] userBytes;
  private final byte[] passwordBytes;
  private final Challenge challenge;

  /**
   * Lets {@code user} in with {@code password}.
   *
   * @param realm the realm of the {@code WWW-Authenticate: Basic realm="..."} challenge, which
   *     clients show when they ask for a password
   */
  public BasicAuthenticator(String user, String password, String realm) {
    if (user.isEmpty() || user.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a Basic user name is not empty and has no ':'");
    }
    this.user = user;
    this.userBytes = user.getBytes(StandardCharsets.UTF_8);
    this.passwordBytes = password.getBytes(StandardCharsets.UTF_8);
    this.challenge = Challenge.basic(realm);
  }

  @Override
  public Authentication authenticate(RequestContext request, Headers headers) {
    Optional<String> authorization = headers.first("Authorization");
    if (authorization.isEmpty()) {
      return Authentication.anonymous();
    }
    String value = authorization.get();
    if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
      return refused("only Basic credentials are accepted");
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(value.substring(6).trim());
    } catch (IllegalArgumentException e) {
      return refused("the Basic credentials are not base64");
    }
    String userAndPassword = new String(decoded, StandardCharsets.UTF_8);
    int colon = userAndPassword.indexOf(':');
    if (colon < 0) {
      return refused("the Basic credentials have no ':' between user name and password");
    }
    if (colon == 0) {
      return Authentication.anonymous();
    }
    byte[] givenUser = userAndPassword.substring(0, colon).getBytes(StandardCharsets.UTF_8);
    byte[] givenPassword = userAndPassword.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
    // Both comparisons always run, so the time does not tell which one failed.
    boolean userMatches = MessageDigest.isEqual(givenUser, userBytes);
    boolean passwordMatches = MessageDigest.isEqual(givenPassword, passwordBytes);
    if (userMatches && passwordMatches) {
      return Authentication.of(Identity.named(user));
    }
    return refused("wrong user name or password");
  }

  /** {@code Basic realm="..."}: a {@code 401} carries it, so that clients send credentials. */
  @Override
  public Optional<Challenge> challenge(RequestContext request) {
    return Optional.of(challenge);
  }

  private Authentication refused(String reason) {
    return Authentication.refused(reason, Optional.of(challenge));
  }

  @Override
  public String toString() {
    return "BasicAuthenticator[user=" + user + ", password=***]";
  }
}
