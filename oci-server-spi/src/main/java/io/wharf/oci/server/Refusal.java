package io.wharf.oci.server;

import io.wharf.oci.model.error.AccessException;
import io.wharf.oci.model.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A request refused by access control or an admission gate: {@code 401 UNAUTHORIZED} (with a
 * challenge, when there is one) or {@code 403 DENIED} with every reason in the message and, as a
 * list, in the error's {@code detail}.
 */
final class Refusal extends AccessException {

  private static final long serialVersionUID = 1L;

  private final transient Optional<Challenge> challenge;

  private Refusal(
      ErrorCode code, String message, @Nullable Object detail, Optional<Challenge> challenge) {
    super(code, message, detail, code.httpStatus(), null);
    this.challenge = challenge;
  }

  /** 401 UNAUTHORIZED: log in, as {@code challenge} says. */
  static Refusal unauthorized(String message, Optional<Challenge> challenge) {
    return new Refusal(ErrorCode.UNAUTHORIZED, message, null, challenge);
  }

  /** 403 DENIED for {@code reasons}. */
  static Refusal denied(List<String> reasons) {
    return new Refusal(
        ErrorCode.DENIED, String.join("; ", reasons), Map.of("reasons", reasons), Optional.empty());
  }

  /** The challenge to send as {@code WWW-Authenticate}. */
  Optional<Challenge> challenge() {
    return challenge;
  }
}
