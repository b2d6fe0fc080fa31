package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.CheckedMetadataStore;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.AccessStoreContract;

/**
 * The access store TCK against {@link CheckedMetadataStore#access()}, which hands out its
 * delegate's.
 */
class CheckedInMemoryAccessStoreTest extends AccessStoreContract {
  @Override
  protected MetadataStore newStore() {
    return CheckedMetadataStore.wrap(new InMemoryMetadataStore());
  }
}
