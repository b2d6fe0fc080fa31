package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.LifecycleStoreContract;
import java.time.Clock;

class InMemoryLifecycleStoreTest extends LifecycleStoreContract {
  @Override
  protected MetadataStore newStore(Clock clock) {
    return new InMemoryMetadataStore(clock);
  }
}
