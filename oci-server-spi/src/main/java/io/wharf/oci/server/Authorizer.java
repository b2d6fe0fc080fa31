package io.wharf.oci.server;

import java.io.IOException;

/**
 * Decides whether an identity may do an action on a repository (or on the registry): the second
 * hook the engine calls, once for each {@link Access} a request needs ({@link
 * RequestContext#accesses()}). It also filters {@code _catalog}: a listing shows only the
 * repositories the caller may {@link Action#PULL}. Pure of the request, so that a token service can
 * ask it what to grant. Implementations are thread-safe and fast: the engine calls them on every
 * request.
 *
 * <p>The default, {@link #allowAll()}, allows everything.
 */
@FunctionalInterface
public interface Authorizer {

  /**
   * Whether {@code identity} may do {@code access}. A denial of the anonymous caller becomes {@code
   * 401} with the authenticator's challenge (so the client logs in); of anyone else, {@code 403
   * DENIED} with the reasons.
   *
   * @throws IOException when a store the decision needs cannot be read (the engine answers 500)
   */
  Decision authorize(Identity identity, Access access) throws IOException;

  /** Everything is allowed. */
  static Authorizer allowAll() {
    return AllowAll.INSTANCE;
  }
}

/** The default authorizer. */
final class AllowAll implements Authorizer {
  static final AllowAll INSTANCE = new AllowAll();

  @Override
  public Decision authorize(Identity identity, Access access) {
    return Decision.allow();
  }

  @Override
  public String toString() {
    return "Authorizer.allowAll()";
  }
}
