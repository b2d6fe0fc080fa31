package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.CheckedMetadataStore;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.tck.LifecycleStoreContract;
import java.time.Clock;

class CheckedInMemoryLifecycleStoreTest extends LifecycleStoreContract {
  @Override
  protected MetadataStore newStore(Clock clock) {
    return CheckedMetadataStore.wrap(new InMemoryMetadataStore(clock));
  }
}
