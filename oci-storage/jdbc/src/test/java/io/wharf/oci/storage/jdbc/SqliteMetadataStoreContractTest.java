package io.wharf.oci.storage.jdbc;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.MetadataStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The storage TCK against {@link JdbcMetadataStore} on SQLite, one fresh file per store. */
class SqliteMetadataStoreContractTest extends MetadataStoreContract {
  @Override
  protected MetadataStore newStore() throws IOException {
    Files.createDirectories(Path.of("target", "tck"));
    Path dir = Files.createTempDirectory(Path.of("target", "tck"), "sqlite-");
    return JdbcMetadataStore.sqlite(dir.resolve("metadata.db"));
  }
}
