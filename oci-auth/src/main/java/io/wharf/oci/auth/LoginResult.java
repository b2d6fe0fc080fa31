package io.wharf.oci.auth;

import io.wharf.oci.server.Identity;
import java.time.Duration;
import java.util.Objects;

/** The outcome of {@link Logins#login}. */
public sealed interface LoginResult {

  /** Logged in as {@code identity}. */
  record Success(Identity identity) implements LoginResult {
    /** Checks the identity. */
    public Success {
      Objects.requireNonNull(identity, "identity");
    }
  }

  /**
   * Refused: no verifier knows the user, or one rejected the secret.
   *
   * @param reason why, for the audit log; never the secret. Clients are told only "invalid
   *     credentials", so that they cannot probe which users exist.
   */
  record Failure(String reason) implements LoginResult {
    /** Checks the reason. */
    public Failure {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Not checked: too many failed attempts for this user name or from this client lately.
   *
   * @param retryAfter how long until an attempt will be checked again
   */
  record Throttled(Duration retryAfter) implements LoginResult {
    /** Checks the duration. */
    public Throttled {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }
}
