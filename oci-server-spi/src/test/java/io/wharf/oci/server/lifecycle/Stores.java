package io.wharf.oci.server.lifecycle;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.memory.InMemoryBlobStore;
import io.wharf.oci.storage.memory.InMemoryMetadataStore;
import java.io.IOException;
import java.io.InputStream;

/** In-memory stores on a test's clock, with blobs that no repository links. */
final class Stores {

  private Stores() {}

  static RegistryStorage inMemory(MutableClock clock) {
    return new RegistryStorage(new InMemoryBlobStore(clock), new InMemoryMetadataStore(clock));
  }

  /** Stores {@code text} as a blob that no repository links (an upload never pushed with). */
  static Digest orphan(RegistryStorage storage, String text) throws IOException {
    Bytes bytes = Bytes.utf8(text);
    Digest digest = Digest.sha256(bytes);
    try (InputStream in = bytes.openStream()) {
      storage.blobs().put(in, digest);
    }
    return digest;
  }
}
