package io.wharf.oci.server;

import java.io.IOException;

/** Handles one request. {@link Registry} is the handler of the OCI Distribution API. */
@FunctionalInterface
public interface RegistryHandler {

  /**
   * Handles {@code request}. Protocol errors come back as error responses; an {@link IOException}
   * means the exchange broke (the client went away, storage failed mid-stream).
   */
  RegistryResponse handle(RegistryRequest request) throws IOException;
}
