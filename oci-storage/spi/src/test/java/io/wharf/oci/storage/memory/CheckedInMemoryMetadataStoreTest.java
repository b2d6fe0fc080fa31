package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.CheckedMetadataStore;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.MetadataStoreContract;

class CheckedInMemoryMetadataStoreTest extends MetadataStoreContract {
  @Override
  protected MetadataStore newStore() {
    return CheckedMetadataStore.wrap(new InMemoryMetadataStore());
  }
}
