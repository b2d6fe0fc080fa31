package io.wharf.oci.server;

import java.io.IOException;
import java.util.Optional;

/**
 * Finds out who sent a request, from its credentials ({@code Authorization}, typically): the first
 * hook the engine calls, after routing. Implementations are thread-safe, fast on the common path
 * (cache what is slow to check, such as a bcrypt hash), and never log or echo a secret.
 *
 * <p>The default, {@link #anonymous()}, lets everyone in as {@link Identity#ANONYMOUS}.
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * The identity behind {@code headers}, or a refusal of the credentials they carry. A request
   * without credentials is {@link Authentication#anonymous()}: whether the anonymous caller may do
   * what it asks is the {@link Authorizer}'s decision, and when it may not, the engine answers with
   * {@link #challenge(RequestContext)}.
   *
   * @param request what is asked: endpoint, repository, the access it needs, the client's address
   * @param headers the request's headers; the body is not for authenticators
   * @throws IOException when a store or identity provider the check needs cannot be reached (the
   *     engine answers 500 UNKNOWN)
   */
  Authentication authenticate(RequestContext request, Headers headers) throws IOException;

  /**
   * The challenge for an anonymous caller who is not allowed {@code request}: a {@code 401
   * UNAUTHORIZED} carries it as {@code WWW-Authenticate}. A token authenticator names the scope the
   * request needs ({@link RequestContext#accesses()}). Empty (the default) means there is no way to
   * authenticate, and the engine answers {@code 403 DENIED} instead.
   */
  default Optional<Challenge> challenge(RequestContext request) {
    return Optional.empty();
  }

  /** Everyone is {@link Identity#ANONYMOUS}. */
  static Authenticator anonymous() {
    return AnonymousAuthenticator.INSTANCE;
  }
}

/** The default authenticator. */
final class AnonymousAuthenticator implements Authenticator {
  static final AnonymousAuthenticator INSTANCE = new AnonymousAuthenticator();

  @Override
  public Authentication authenticate(RequestContext request, Headers headers) {
    return Authentication.anonymous();
  }

  @Override
  public String toString() {
    return "Authenticator.anonymous()";
  }
}
