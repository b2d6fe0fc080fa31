package io.wharf.oci.storage.jdbc;

import java.sql.Connection;
import java.time.Clock;

/**
 * Every {@link JdbcMetadataStore} test, against a real PostgreSQL (see {@link PostgresDatabase}).
 */
class PostgresJdbcMetadataStoreIT extends AbstractJdbcMetadataStoreTest {

  private final PostgresDatabase database = PostgresDatabase.configured();
  private String schema;

  @Override
  protected JdbcMetadataStore openFresh(Clock clock) throws Exception {
    schema = database.createSchema();
    return JdbcMetadataStore.open(database.dataSource(schema), Dialect.POSTGRESQL, clock);
  }

  @Override
  protected JdbcMetadataStore reopen() throws Exception {
    return JdbcMetadataStore.open(database.dataSource(schema), Dialect.POSTGRESQL);
  }

  @Override
  protected Connection connect() throws Exception {
    return database.connect(schema);
  }

  @Override
  protected Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
