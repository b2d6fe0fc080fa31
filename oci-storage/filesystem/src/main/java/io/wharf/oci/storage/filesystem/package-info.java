/**
 * Storage on a local disk: {@link io.wharf.oci.storage.filesystem.FileSystemBlobStore} keeps
 * content-addressed blobs in one data folder, publishes them by atomic rename once their digest was
 * verified, and keeps uploads resumable across restarts.
 */
@NullMarked
package io.wharf.oci.storage.filesystem;

import org.jspecify.annotations.NullMarked;
