package io.wharf.oci.storage.local;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.LifecycleStoreContract;
import java.io.IOException;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lifecycle TCK against {@link LocalStorage}'s metadata store, as the storage opens it
 * (checked, caching, SQLite).
 */
class LocalLifecycleStoreContractTest extends LifecycleStoreContract {
  @RegisterExtension final OpenedStorages storages = new OpenedStorages();

  @Override
  protected MetadataStore newStore(Clock clock) throws IOException {
    return storages.fresh(clock).metadata();
  }
}
