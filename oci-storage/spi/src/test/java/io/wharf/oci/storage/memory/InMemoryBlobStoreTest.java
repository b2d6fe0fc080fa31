package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.tck.BlobStoreContract;
import java.time.Clock;

class InMemoryBlobStoreTest extends BlobStoreContract {
  @Override
  protected BlobStore newStore() {
    return new InMemoryBlobStore();
  }

  @Override
  protected BlobStore newStore(Clock clock) {
    return new InMemoryBlobStore(clock);
  }
}
