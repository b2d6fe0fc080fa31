package io.wharf.oci.storage.jdbc;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.MetadataStoreContract;

/** The storage TCK against {@link JdbcMetadataStore} on a real PostgreSQL, a fresh schema each. */
class PostgresMetadataStoreContractIT extends MetadataStoreContract {
  @Override
  protected MetadataStore newStore() throws Exception {
    PostgresDatabase database = PostgresDatabase.configured();
    return JdbcMetadataStore.open(database.dataSource(database.createSchema()), Dialect.POSTGRESQL);
  }
}
