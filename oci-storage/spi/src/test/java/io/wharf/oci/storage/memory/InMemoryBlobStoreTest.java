package io.wharf.oci.storage.memory;

import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.tck.BlobStoreContract;

class InMemoryBlobStoreTest extends BlobStoreContract {
  @Override
  protected BlobStore newStore() {
    return new InMemoryBlobStore();
  }
}
