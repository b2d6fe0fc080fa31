package io.wharf.oci.server;

import io.wharf.oci.model.ref.RepositoryName;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine knows of a request once it is routed: every hook reads it, and logs and events
 * carry the same request id. Made by the engine after routing; {@link #identity()} is {@link
 * Identity#ANONYMOUS} until the {@link Authenticator} has answered.
 *
 * @param requestId the id of this request, unique within the process; also sent back as {@code
 *     X-Request-Id} and written in the request's log line and events
 * @param receivedAt when the engine received the request (the registry's clock)
 * @param method the HTTP method
 * @param endpoint the endpoint the request reached
 * @param repository the repository, for every endpoint but the API version check and the catalog
 * @param reference the last path element when the endpoint has one: a tag or digest (manifests), a
 *     digest (blobs, referrers) or an upload session id
 * @param clientAddress the client's address as the transport saw it (a proxy's, behind one)
 * @param identity who is asking
 * @param accesses what the request needs to be allowed: the endpoint's {@link Action} on the
 *     repository, and {@code pull} on the source of a mount
 */
public record RequestContext(
    String requestId,
    Instant receivedAt,
    HttpMethod method,
    Endpoint endpoint,
    Optional<RepositoryName> repository,
    Optional<String> reference,
    Optional<InetSocketAddress> clientAddress,
    Identity identity,
    List<Access> accesses) {

  /** Validates and copies. */
  public RequestContext {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(identity, "identity");
    accesses = List.copyOf(accesses);
  }

  /** The action of the endpoint. */
  public Action action() {
    return endpoint.action();
  }

  /** This context with {@code identity}. */
  public RequestContext withIdentity(Identity identity) {
    return new RequestContext(
        requestId,
        receivedAt,
        method,
        endpoint,
        repository,
        reference,
        clientAddress,
        identity,
        accesses);
  }
}
