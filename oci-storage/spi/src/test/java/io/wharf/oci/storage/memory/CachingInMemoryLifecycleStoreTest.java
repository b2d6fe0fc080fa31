package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.CachingMetadataStore;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.LifecycleStoreContract;
import java.time.Clock;

class CachingInMemoryLifecycleStoreTest extends LifecycleStoreContract {
  @Override
  protected MetadataStore newStore(Clock clock) {
    return CachingMetadataStore.wrap(new InMemoryMetadataStore(clock));
  }
}
