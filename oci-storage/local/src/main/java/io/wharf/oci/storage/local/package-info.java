/**
 * The single-node default storage: {@link io.wharf.oci.storage.local.LocalStorage} keeps blobs in a
 * {@link io.wharf.oci.storage.filesystem.FileSystemBlobStore} and metadata in a SQLite {@link
 * io.wharf.oci.storage.jdbc.JdbcMetadataStore}, both in one data folder; {@link
 * io.wharf.oci.storage.local.LocalStorageProvider} offers it to {@link java.util.ServiceLoader} as
 * storage {@code local}.
 */
@NullMarked
package io.wharf.oci.storage.local;

import org.jspecify.annotations.NullMarked;
