/**
 * The OCI Distribution API engine: {@link io.wharf.oci.server.Registry} turns a {@link
 * io.wharf.oci.server.RegistryRequest} into a {@link io.wharf.oci.server.RegistryResponse} over a
 * {@link io.wharf.oci.storage.RegistryStorage}, whatever transport carries them.
 */
@NullMarked
package io.wharf.oci.server;

import org.jspecify.annotations.NullMarked;
