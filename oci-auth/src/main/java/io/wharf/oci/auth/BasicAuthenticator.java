package io.wharf.oci.auth;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.RateLimitedException;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Authenticator;
import io.wharf.oci.server.Challenge;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.RequestContext;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Basic authentication on the registry itself, the simpler option to the token service: every
 * request carries {@code Authorization: Basic}, checked by {@link Logins} (which caches a
 * successful check for a short time, so the bcrypt cost is paid once, not on every request). No
 * credentials: anonymous, and a request the anonymous caller may not make is answered with {@code
 * 401} and {@code WWW-Authenticate: Basic realm="..."}. Wrong credentials: {@code 401} with the
 * challenge and "invalid credentials" (the client is not told whether the user exists). Too many
 * failures from the user or the address: {@code 429 TOOMANYREQUESTS} with {@code Retry-After},
 * without checking the password.
 */
public final class BasicAuthenticator implements Authenticator {

  private final Logins logins;
  private final Challenge challenge;

  /** Checks credentials with {@code logins}; challenges with {@code Basic realm="<realm>"}. */
  public BasicAuthenticator(Logins logins, String realm) {
    this.logins = Objects.requireNonNull(logins, "logins");
    this.challenge = Challenge.basic(realm);
  }

  @Override
  public Authentication authenticate(RequestContext request, Headers headers) throws IOException {
    BasicCredentials.Parsed parsed = BasicCredentials.parse(headers.first("Authorization"));
    if (parsed instanceof BasicCredentials.Present present) {
      return login(request, present.credentials());
    }
    if (parsed instanceof BasicCredentials.Malformed malformed) {
      return Authentication.refused(malformed.reason(), Optional.of(challenge));
    }
    return Authentication.anonymous();
  }

  /** Logs {@code credentials} in, as this authenticator and the token service's Basic path do. */
  Authentication login(RequestContext request, BasicCredentials credentials) throws IOException {
    LoginResult result =
        logins.login(credentials.username(), credentials.secret(), request.clientAddress());
    if (result instanceof LoginResult.Success success) {
      return Authentication.of(success.identity());
    }
    if (result instanceof LoginResult.Throttled throttled) {
      throw throttled(throttled);
    }
    return Authentication.refused(
        "invalid credentials for user " + credentials.username(), Optional.of(challenge));
  }

  /** The 429 for a throttled login, with {@code Retry-After}. */
  static RateLimitedException throttled(LoginResult.Throttled throttled) {
    long seconds = Math.max(1, (throttled.retryAfter().toMillis() + 999) / 1000);
    return new RateLimitedException(
        ErrorCode.TOOMANYREQUESTS,
        "too many failed logins; try again in " + seconds + " s",
        Map.of("retryAfter", seconds));
  }

  @Override
  public Optional<Challenge> challenge(RequestContext request) {
    return Optional.of(challenge);
  }

  @Override
  public String toString() {
    return "BasicAuthenticator[" + logins + "]";
  }
}
