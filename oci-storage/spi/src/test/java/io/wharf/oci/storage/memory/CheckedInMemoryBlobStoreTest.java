package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.CheckedBlobStore;
import io.wharf.oci.storage.tck.BlobStoreContract;
import java.time.Clock;

class CheckedInMemoryBlobStoreTest extends BlobStoreContract {
  @Override
  protected BlobStore newStore() {
    return CheckedBlobStore.wrap(new InMemoryBlobStore());
  }

  @Override
  protected BlobStore newStore(Clock clock) {
    return CheckedBlobStore.wrap(new InMemoryBlobStore(clock));
  }
}
