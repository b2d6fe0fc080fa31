/**
 * What access control keeps in the metadata store: projects, their members with roles, and robot
 * accounts. The rules that give these records meaning (which role may do what) are not here: they
 * belong to whoever authorises requests. Every {@link io.wharf.oci.storage.MetadataStore} offers an
 * {@link io.wharf.oci.storage.access.AccessStore} through {@code access()}.
 */
@NullMarked
package io.wharf.oci.storage.access;

import org.jspecify.annotations.NullMarked;
