package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.CheckedBlobStore;
import io.wharf.oci.storage.tck.BlobStoreContract;

class CheckedInMemoryBlobStoreTest extends BlobStoreContract {
  @Override
  protected BlobStore newStore() {
    return CheckedBlobStore.wrap(new InMemoryBlobStore());
  }
}
