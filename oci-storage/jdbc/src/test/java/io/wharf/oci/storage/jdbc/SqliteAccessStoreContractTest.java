package io.wharf.oci.storage.jdbc;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.AccessStoreContract;
import java.io.IOException;

/** The access store TCK against {@link JdbcAccessStore} on SQLite, one fresh file per store. */
class SqliteAccessStoreContractTest extends AccessStoreContract {
  @Override
  protected MetadataStore newStore() throws IOException {
    return Fixtures.freshSqliteStore();
  }
}
