/** The Wharf storage SPI, its in-memory reference stores and checking decorators. */
module io.wharf.oci.storage {
  requires transitive io.wharf.oci.model;
  requires static transitive org.jspecify;

  exports io.wharf.oci.storage;
  exports io.wharf.oci.storage.memory;
  exports io.wharf.oci.storage.access;
  exports io.wharf.oci.storage.lifecycle;

  uses io.wharf.oci.storage.StorageProvider;
}
