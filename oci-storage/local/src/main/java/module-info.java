/** Wharf's single-node default storage: filesystem blobs and SQLite metadata in one data folder. */
module io.wharf.oci.storage.local {
  requires transitive io.wharf.oci.storage;
  requires io.wharf.oci.storage.filesystem;
  requires io.wharf.oci.storage.jdbc;
  requires static org.jspecify;

  exports io.wharf.oci.storage.local;

  provides io.wharf.oci.storage.StorageProvider with
      io.wharf.oci.storage.local.LocalStorageProvider;
}
