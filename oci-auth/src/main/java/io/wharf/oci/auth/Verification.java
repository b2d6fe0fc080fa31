package io.wharf.oci.auth;

import io.wharf.oci.server.Identity;
import java.util.Objects;

/** What a {@link PasswordVerifier} found. */
public sealed interface Verification {

  /** The secret is right: the caller is {@code identity}. */
  record Verified(Identity identity) implements Verification {
    /** Checks that the identity is named. */
    public Verified {
      Objects.requireNonNull(identity, "identity");
      if (identity.isAnonymous()) {
        throw new IllegalArgumentException("a verified identity is named");
      }
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

  /** {@link Rejected}. */
  static Verification rejected(String reason) {
    return new Rejected(reason);
  }

  /** {@link Unknown}. */
  static Verification unknown() {
    return new Unknown();
  }
}
