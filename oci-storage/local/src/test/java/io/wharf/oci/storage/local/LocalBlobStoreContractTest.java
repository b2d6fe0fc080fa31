package io.wharf.oci.storage.local;

import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.tck.BlobStoreContract;
import java.io.IOException;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;

/** The blob store TCK against {@link LocalStorage}'s blob store, as the storage opens it. */
class LocalBlobStoreContractTest extends BlobStoreContract {
  private final OpenedStorages storages = new OpenedStorages();

  @Override
  protected BlobStore newStore() throws IOException {
    storages.closeAll(); // a property's earlier tries closed only their blob store
    return storages.fresh().blobs();
  }

  @Override
  protected BlobStore newStore(Clock clock) throws IOException {
    storages.closeAll();
    return storages.fresh(clock).blobs();
  }

  @Override
  protected BlobStore reopen(BlobStore closed) throws IOException {
    storages.closeAll();
    return storages.reopen().blobs();
  }

  @AfterEach
  void closeStorages() throws IOException {
    storages.closeAll();
  }
}
