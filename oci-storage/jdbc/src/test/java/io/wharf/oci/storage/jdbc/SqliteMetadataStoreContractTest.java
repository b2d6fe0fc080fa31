package io.wharf.oci.storage.jdbc;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.MetadataStoreContract;
import java.io.IOException;

/** The storage TCK against {@link JdbcMetadataStore} on SQLite, one fresh file per store. */
class SqliteMetadataStoreContractTest extends MetadataStoreContract {
  @Override
  protected MetadataStore newStore() throws IOException {
    return Fixtures.freshSqliteStore();
  }
}
