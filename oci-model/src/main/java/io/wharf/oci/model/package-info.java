/**
 * The OCI image-spec v1.1 as Java values: {@link io.wharf.oci.model.Digest}, {@link
 * io.wharf.oci.model.MediaType}, {@link io.wharf.oci.model.Descriptor}, {@link
 * io.wharf.oci.model.Platform}, {@link io.wharf.oci.model.ImageManifest}, {@link
 * io.wharf.oci.model.ImageIndex}, {@link io.wharf.oci.model.ImageConfig}, and {@link
 * io.wharf.oci.model.RawManifest}, whose bytes are authoritative. Docker schema 2 manifests and
 * manifest lists are read into the same types; Docker schema 1 is recognised and refused.
 *
 * <p>Every parser throws {@link io.wharf.oci.model.error.InvalidContentException} with a message
 * that names the bad field; no other exception escapes for bad input.
 */
@NullMarked
package io.wharf.oci.model;

import org.jspecify.annotations.NullMarked;
