package io.wharf.oci.server.lifecycle;

import io.wharf.oci.server.Identity;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Who asked for a run, as its {@link JobRun} and its event record it.
 *
 * @param identity who: an administrator, or {@link Lifecycle#ACTOR} for the embedding program
 * @param requestId the request's id, which becomes the run's id
 * @param clientAddress from where, when the request came over the network
 */
public record Caller(
    Identity identity, String requestId, Optional<InetSocketAddress> clientAddress) {

  /** Checks for nulls and a usable id. */
  public Caller {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(clientAddress, "clientAddress");
    if (requestId.isEmpty() || requestId.length() > 128) {
      throw new IllegalArgumentException("a request id has 1 to 128 characters");
    }
  }

  /** {@code identity} asking in request {@code requestId}, not over the network. */
  public static Caller of(Identity identity, String requestId) {
    return new Caller(identity, requestId, Optional.empty());
  }
}
