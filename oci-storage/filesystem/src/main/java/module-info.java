/** Wharf's filesystem storage: content-addressed blobs on a local disk. */
module io.wharf.oci.storage.filesystem {
  requires transitive io.wharf.oci.storage;

  exports io.wharf.oci.storage.filesystem;
}
