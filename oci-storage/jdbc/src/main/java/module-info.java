/**
 * A {@link io.wharf.oci.storage.MetadataStore} on JDBC: SQLite for a single node, PostgreSQL for
 * several.
 */
module io.wharf.oci.storage.jdbc {
  requires transitive io.wharf.oci.storage;
  requires transitive java.sql;
  requires org.xerial.sqlitejdbc;
  requires static transitive org.jspecify;

  exports io.wharf.oci.storage.jdbc;
}
