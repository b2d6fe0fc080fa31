package io.wharf.oci.storage.jdbc;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.LifecycleStoreContract;
import java.io.IOException;
import java.time.Clock;

/** The lifecycle TCK against {@link JdbcMetadataStore} on SQLite, one fresh file per store. */
class SqliteLifecycleStoreContractTest extends LifecycleStoreContract {
  @Override
  protected MetadataStore newStore(Clock clock) throws IOException {
    return Fixtures.freshSqliteStore(clock);
  }
}
