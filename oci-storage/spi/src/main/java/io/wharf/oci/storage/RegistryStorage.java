package io.wharf.oci.storage;

import io.wharf.oci.storage.memory.InMemoryBlobStore;
import io.wharf.oci.storage.memory.InMemoryMetadataStore;
import java.io.Closeable;
import java.io.IOException;

/**
 * The two stores a registry runs on.
 *
 * @param blobs content-addressed bytes
 * @param metadata everything else
 */
public record RegistryStorage(BlobStore blobs, MetadataStore metadata) implements Closeable {

  /** Fresh in-memory stores, for tests and throw-away registries. */
  public static RegistryStorage inMemory() {
    return new RegistryStorage(new InMemoryBlobStore(), new InMemoryMetadataStore());
  }

  /**
   * Both stores inside the checking decorators every backend runs in: inputs validated before they
   * reach the backend, ranges checked, and unexpected backend failures turned into {@link
   * io.wharf.oci.model.error.StorageException}.
   */
  public RegistryStorage checked() {
    return new RegistryStorage(CheckedBlobStore.wrap(blobs), CheckedMetadataStore.wrap(metadata));
  }

  /** Closes both stores. */
  @Override
  public void close() throws IOException {
    try {
      blobs.close();
    } finally {
      metadata.close();
    }
  }
}
