/**
 * What every transport of a {@link io.wharf.oci.server.RegistryHandler} shares: request path
 * checks, the transport's own OCI error responses and the request log line. For transport
 * implementations, not for applications.
 */
@NullMarked
package io.wharf.oci.server.transport;

import org.jspecify.annotations.NullMarked;
