/**
 * The storage SPI: {@link io.wharf.oci.storage.BlobStore} (content-addressed bytes, uploads that
 * become visible only once verified) and {@link io.wharf.oci.storage.MetadataStore} (repositories,
 * manifests, tags, referrers, blob links, timestamps, usage). Backends run inside {@link
 * io.wharf.oci.storage.CheckedBlobStore} and {@link io.wharf.oci.storage.CheckedMetadataStore}, and
 * pass the TCK in this module's test-jar.
 */
@NullMarked
package io.wharf.oci.storage;

import org.jspecify.annotations.NullMarked;
