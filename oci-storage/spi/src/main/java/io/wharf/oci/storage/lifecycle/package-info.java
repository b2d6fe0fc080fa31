/**
 * Lifecycle over any {@link io.wharf.oci.storage.RegistryStorage}: online garbage collection
 * ({@link io.wharf.oci.storage.lifecycle.GarbageCollector}) and the purge of abandoned uploads
 * ({@link io.wharf.oci.storage.lifecycle.UploadPurge}). Both run while the registry serves: they
 * decide from reads and act only through the storage SPI's conditional deletes ({@link
 * io.wharf.oci.storage.LifecycleStore}), which re-check at the moment they run.
 */
@org.jspecify.annotations.NullMarked
package io.wharf.oci.storage.lifecycle;
