package io.wharf.oci.server;

import java.time.Instant;
import java.util.List;

/** What the registry tells a {@link ServiceHandler} about the request it handles. */
public interface ServiceContext {

  /** The request's id, as in its log line and {@code X-Request-Id}. */
  String requestId();

  /** When the request arrived, by the registry's clock. */
  Instant time();

  /**
   * Tells the registry's listeners that {@code kind} happened in this request (without listeners,
   * nothing is made). Asynchronous: the request does not wait for the listeners.
   *
   * @param kind what happened, typically {@link RegistryEvent.Kind#LOGIN}, {@link
   *     RegistryEvent.Kind#TOKEN_ISSUED} or {@link RegistryEvent.Kind#DENIED}
   * @param actor who (for a refused login, the name the client gave, or anonymous)
   * @param status the HTTP status the request is answered with
   * @param scopes for a token, the scopes granted
   * @param reasons for a refusal, why; never a secret
   */
  void emit(
      RegistryEvent.Kind kind,
      Identity actor,
      int status,
      List<String> scopes,
      List<String> reasons);
}
