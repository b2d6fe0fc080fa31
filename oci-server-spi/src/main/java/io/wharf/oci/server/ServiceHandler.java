package io.wharf.oci.server;

import java.io.IOException;

/**
 * A handler the registry serves beside the OCI API, at a path of its own outside {@code /v2/}: a
 * token service, a health check. Registered with {@link Registry.Builder#route}, it is reached
 * through every transport the registry is served by, gets the registry's request id and can tell
 * the registry's {@link RegistryEventListener}s what happened ({@link ServiceContext#emit}). The
 * engine's access control does not run for it: it checks whatever credentials it needs itself.
 */
@FunctionalInterface
public interface ServiceHandler {

  /**
   * Handles {@code request}. An {@link io.wharf.oci.model.error.OciException} thrown here is
   * answered as the spec's JSON error body, like any of the registry's errors.
   *
   * @throws IOException when the exchange broke or a store failed (500 {@code UNKNOWN})
   */
  RegistryResponse handle(RegistryRequest request, ServiceContext context) throws IOException;
}
