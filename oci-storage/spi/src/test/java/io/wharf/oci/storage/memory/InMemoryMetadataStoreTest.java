package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.MetadataStoreContract;

class InMemoryMetadataStoreTest extends MetadataStoreContract {
  @Override
  protected MetadataStore newStore() {
    return new InMemoryMetadataStore();
  }
}
