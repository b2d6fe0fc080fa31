/**
 * Credentials: {@link io.wharf.oci.client.auth.Credential} values, {@link
 * io.wharf.oci.client.auth.CredentialProvider}s that choose one per registry, and {@link
 * io.wharf.oci.client.auth.DockerConfig}, which reads them the way {@code docker login} stores
 * them. No credential's {@code toString()} shows a secret.
 */
@NullMarked
package io.wharf.oci.client.auth;

import org.jspecify.annotations.NullMarked;
