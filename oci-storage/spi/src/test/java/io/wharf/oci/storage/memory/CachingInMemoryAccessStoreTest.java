package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.CachingMetadataStore;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.AccessStoreContract;

/**
 * The access store TCK against {@link CachingMetadataStore#access()}, which hands out its
 * delegate's.
 */
class CachingInMemoryAccessStoreTest extends AccessStoreContract {
  @Override
  protected MetadataStore newStore() {
    return CachingMetadataStore.wrap(new InMemoryMetadataStore());
  }
}
