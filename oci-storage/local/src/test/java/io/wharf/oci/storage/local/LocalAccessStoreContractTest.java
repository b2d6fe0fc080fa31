package io.wharf.oci.storage.local;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.AccessStoreContract;
import java.io.IOException;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The access store TCK against {@link LocalStorage}'s metadata store (SQLite inside the caching and
 * checking wrappers), as the storage opens it.
 */
class LocalAccessStoreContractTest extends AccessStoreContract {
  @RegisterExtension final OpenedStorages storages = new OpenedStorages();

  @Override
  protected MetadataStore newStore() throws IOException {
    return storages.fresh().metadata();
  }
}
