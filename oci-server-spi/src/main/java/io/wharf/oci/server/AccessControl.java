package io.wharf.oci.server;

import java.io.IOException;
import java.util.List;

/**
 * Authentication and authorisation of a request, in that order, with the registry's {@link
 * Authenticator} and {@link Authorizer}. With the defaults (everyone anonymous, everything allowed)
 * it does nothing at all.
 */
final class AccessControl {

  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final Events events;
  private final boolean open;

  AccessControl(Authenticator authenticator, Authorizer authorizer, Events events) {
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.events = events;
    this.open = authenticator == AnonymousAuthenticator.INSTANCE && authorizer == AllowAll.INSTANCE;
  }

  /** Whether every identity may do everything: then the catalog needs no filtering. */
  boolean allowsAll() {
    return authorizer == AllowAll.INSTANCE;
  }

  /**
   * Authenticates the request and authorises the first of its accesses (the endpoint's own; a
   * mount's source is asked by the handler, {@link #allows}).
   *
   * @return the context with the caller's identity
   * @throws Refusal 401 or 403, after a {@link RegistryEvent.Kind#DENIED} event where one is due
   */
  RequestContext check(RequestContext request, Headers headers) throws IOException {
    if (open) {
      return request;
    }
    Authentication authentication = authenticator.authenticate(request, headers);
    if (authentication instanceof Authentication.Refused refused) {
      events.denied(request, 401, List.of(refused.reason()));
      throw Refusal.unauthorized(refused.reason(), refused.challenge());
    }
    Identity identity = ((Authentication.Authenticated) authentication).identity();
    RequestContext context = identity.isAnonymous() ? request : request.withIdentity(identity);
    Access access = context.accesses().get(0);
    if (!identity.mayAttempt(access)) {
      // A token without this scope: as distribution, 401 with a challenge for the scope needed,
      // so that the client fetches a token that has it.
      String reason = "the credentials do not grant " + access;
      var challenge = authenticator.challenge(context);
      if (challenge.isPresent()) {
        throw Refusal.unauthorized(reason, challenge);
      }
      events.denied(context, 403, List.of(reason));
      throw Refusal.denied(List.of(reason));
    }
    Decision decision = authorizer.authorize(identity, access);
    if (decision.allowed()) {
      if (access.action() == Action.LOGIN && !identity.isAnonymous()) {
        events.login(context);
      }
      return context;
    }
    if (identity.isAnonymous()) {
      var challenge = authenticator.challenge(context);
      if (challenge.isPresent()) {
        // The protocol's handshake (log in, then ask again), not a refusal: no event.
        throw Refusal.unauthorized("authentication required", challenge);
      }
    }
    events.denied(context, 403, decision.reasons());
    throw Refusal.denied(decision.reasons());
  }

  /**
   * Whether {@code identity} may do {@code access}, as the checks above decide it but without
   * refusing: for a mount's source, and for filtering the catalog.
   */
  boolean allows(Identity identity, Access access) throws IOException {
    return identity.mayAttempt(access) && authorizer.authorize(identity, access).allowed();
  }

  /** Whether the authorizer lets {@code identity} do {@code access} (the catalog's filter). */
  boolean authorizes(Identity identity, Access access) throws IOException {
    return authorizer.authorize(identity, access).allowed();
  }
}
