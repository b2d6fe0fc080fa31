package io.wharf.oci.storage.jdbc;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.AccessStoreContract;

/**
 * The access store TCK against {@link JdbcAccessStore} on a real PostgreSQL, a fresh schema each.
 */
class PostgresAccessStoreContractIT extends AccessStoreContract {
  @Override
  protected MetadataStore newStore() throws Exception {
    PostgresDatabase database = PostgresDatabase.configured();
    return JdbcMetadataStore.open(database.dataSource(database.createSchema()), Dialect.POSTGRESQL);
  }
}
