package io.wharf.oci.storage.local;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.MetadataStoreContract;
import java.io.IOException;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metadata store TCK against {@link LocalStorage}'s metadata store, as the storage opens it.
 */
class LocalMetadataStoreContractTest extends MetadataStoreContract {
  @RegisterExtension final OpenedStorages storages = new OpenedStorages();

  @Override
  protected MetadataStore newStore() throws IOException {
    return storages.fresh().metadata();
  }
}
