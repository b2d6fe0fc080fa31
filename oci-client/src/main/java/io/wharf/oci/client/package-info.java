/**
 * {@link io.wharf.oci.client.RegistryClient}: the OCI distribution-spec v1.1 from the client's side
 * (ping, manifests, blobs, uploads, mounts, tags, catalog, referrers), with the Docker auth
 * handshake, retries, redirects and progress.
 *
 * <p>Failures come in the two channels of the whole project: {@link java.io.IOException} when bytes
 * could not move (after the retries), {@link io.wharf.oci.client.RegistryClientException} when a
 * registry (or its token server) answered no, and {@link
 * io.wharf.oci.model.error.InvalidContentException} when content it sent fails verification.
 */
@NullMarked
package io.wharf.oci.client;

import org.jspecify.annotations.NullMarked;
