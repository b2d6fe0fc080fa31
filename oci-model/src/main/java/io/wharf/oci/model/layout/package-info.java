/**
 * The OCI image layout (image-spec image-layout.md) on disk, as a directory or a tar archive:
 * {@link io.wharf.oci.model.layout.OciLayout} reads and verifies one, {@link
 * io.wharf.oci.model.layout.OciLayoutWriter} writes one.
 */
@NullMarked
package io.wharf.oci.model.layout;

import org.jspecify.annotations.NullMarked;
