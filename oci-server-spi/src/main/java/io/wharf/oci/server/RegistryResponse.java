package io.wharf.oci.server;

import io.wharf.oci.model.Bytes;
import java.util.Optional;

/**
 * A response as the engine produces it: status, headers, and an optional body. A response to {@code
 * HEAD} carries the headers of the {@code GET} (with its {@code Content-Length}) and no body.
 *
 * @param status the HTTP status
 * @param headers the headers, without {@code Content-Length}, which the transport derives
 * @param body the body, if any
 */
public record RegistryResponse(int status, Headers headers, Optional<ResponseBody> body) {

  /** A response without a body. */
  public static RegistryResponse of(int status, Headers headers) {
    return new RegistryResponse(status, headers, Optional.empty());
  }

  /** A response with {@code body}. */
  public static RegistryResponse of(int status, Headers headers, Bytes body) {
    return new RegistryResponse(status, headers, Optional.of(ResponseBody.of(body)));
  }
}
