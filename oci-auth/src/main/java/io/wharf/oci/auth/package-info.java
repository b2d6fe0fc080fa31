/**
 * Access control for a Wharf registry, assembled from small parts: {@link
 * io.wharf.oci.auth.PasswordVerifier}s (htpasswd, static users, robot accounts, LDAP, OIDC tokens)
 * behind one throttled, cached {@link io.wharf.oci.auth.Logins}; the Docker token service; an
 * authorizer with Harbor's projects and roles; and an audit log.
 */
@NullMarked
package io.wharf.oci.auth;

import org.jspecify.annotations.NullMarked;
