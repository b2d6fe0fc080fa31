package io.wharf.oci.storage.jdbc;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.LifecycleStoreContract;
import java.time.Clock;

/**
 * The lifecycle TCK against {@link JdbcMetadataStore} on a real PostgreSQL, a fresh schema each.
 */
class PostgresLifecycleStoreContractIT extends LifecycleStoreContract {
  @Override
  protected MetadataStore newStore(Clock clock) throws Exception {
    PostgresDatabase database = PostgresDatabase.configured();
    return JdbcMetadataStore.open(
        database.dataSource(database.createSchema()), Dialect.POSTGRESQL, clock);
  }
}
