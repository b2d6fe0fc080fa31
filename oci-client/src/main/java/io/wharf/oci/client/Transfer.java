package io.wharf.oci.client;

import io.wharf.oci.model.Digest;
import java.util.Optional;

/**
 * One blob moving to or from a registry, as {@link TransferListener}s see it.
 *
 * @param direction push or pull
 * @param repository the repository
 * @param digest the blob's digest, when known before the bytes (always for pulls)
 * @param size the blob's size in bytes, or -1 when unknown
 */
public record Transfer(
    Direction direction, Repository repository, Optional<Digest> digest, long size) {

  /** Which way the bytes go. */
  public enum Direction {
    /** From this process to the registry. */
    PUSH,
    /** From the registry to this process. */
    PULL
  }
}
