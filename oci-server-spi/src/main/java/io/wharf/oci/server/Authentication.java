package io.wharf.oci.server;

import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link Authenticator} made of a request's credentials: who it is (perhaps {@link
 * Identity#ANONYMOUS}), or a refusal of credentials that are wrong, expired or malformed.
 */
public sealed interface Authentication
    permits Authentication.Authenticated, Authentication.Refused {

  /** The caller is {@code identity}. */
  static Authentication of(Identity identity) {
    return new Authenticated(identity);
  }

  /** The caller presented nothing, or nothing this authenticator knows: anonymous. */
  static Authentication anonymous() {
    return Authenticated.ANONYMOUS;
  }

  /**
   * The credentials are refused: {@code 401 UNAUTHORIZED} with {@code reason} (said to the client:
   * never echo the credentials) and, when present, {@code challenge} as {@code WWW-Authenticate}.
   */
  static Authentication refused(String reason, Optional<Challenge> challenge) {
    return new Refused(reason, challenge);
  }

  /**
   * The caller is known.
   *
   * @param identity who it is
   */
  record Authenticated(Identity identity) implements Authentication {
    static final Authenticated ANONYMOUS = new Authenticated(Identity.ANONYMOUS);

    /** Checks for null. */
    public Authenticated {
      Objects.requireNonNull(identity, "identity");
    }
  }

  /**
   * The credentials are refused.
   *
   * @param reason why, for the client and the denial event; never the credentials
   * @param challenge how to authenticate instead
   */
  record Refused(String reason, Optional<Challenge> challenge) implements Authentication {
    /** Checks that the reason is not blank. */
    public Refused {
      if (reason.isBlank()) {
        throw new IllegalArgumentException("a refusal says why");
      }
      Objects.requireNonNull(challenge, "challenge");
    }
  }
}
