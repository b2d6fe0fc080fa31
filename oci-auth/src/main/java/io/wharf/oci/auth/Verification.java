package io.wharf.oci.auth;

import io.wharf.oci.server.Identity;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** What a {@link PasswordVerifier} found. */
public sealed interface Verification {

  /**
   * The secret is right: the caller is {@code identity}.
   *
   * @param identity who the caller is
   * @param expiresAt when the credential itself stops being valid (an OIDC token's {@code exp}, a
   *     robot's expiry), if it does: {@link Logins} never remembers the check beyond it
   * @param cacheable whether {@link Logins} may remember the check for a while; a verifier whose
   *     check is cheap and whose accounts can be switched off at any time (robot accounts) says
   *     {@code false}, so that switching one off takes effect at the next request
   */
  record Verified(Identity identity, Optional<Instant> expiresAt, boolean cacheable)
      implements Verification {
    /** Checks that the identity is named. */
    public Verified {
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(expiresAt, "expiresAt");
      if (identity.isAnonymous()) {
        throw new IllegalArgumentException("a verified identity is named");
      }
    }

    /** {@code identity}, with no expiry of its own, cacheable. */
    public Verified(Identity identity) {
      this(identity, Optional.empty(), true);
    }
  }

  /**
   * The verifier knows the user and refuses: a wrong secret, a disabled or expired account.
   *
   * @param reason why, for the audit log and the server's log; never the secret, and not told to
   *     the client beyond "invalid credentials"
   */
  record Rejected(String reason) implements Verification {
    /** Checks the reason. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The verifier does not know this user: the next one is asked. */
  record Unknown() implements Verification {}

  /** {@link Verified}. */
  static Verification verified(Identity identity) {
    return new Verified(identity);
  }

  /** {@link Verified}, cacheable at most until {@code expiresAt}. */
  static Verification verifiedUntil(Identity identity, Instant expiresAt) {
    return new Verified(identity, Optional.of(expiresAt), true);
  }

  /** {@link Rejected}. */
  static Verification rejected(String reason) {
    return new Rejected(reason);
  }

  /** {@link Unknown}. */
  static Verification unknown() {
    return new Unknown();
  }
}
