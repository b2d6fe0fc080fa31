package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.AccessStoreContract;

/**
 * The access store TCK against {@link InMemoryAccessStore}, as {@link
 * InMemoryMetadataStore#access()} offers it.
 */
class InMemoryAccessStoreTest extends AccessStoreContract {
  @Override
  protected MetadataStore newStore() {
    return new InMemoryMetadataStore();
  }
}
