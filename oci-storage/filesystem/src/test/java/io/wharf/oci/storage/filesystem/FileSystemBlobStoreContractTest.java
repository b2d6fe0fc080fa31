package io.wharf.oci.storage.filesystem;

import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.tck.BlobStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The storage TCK against the filesystem blob store, fsync off (it adds nothing to what a test
 * sees). Each store gets a fresh folder under {@code target/}, as the chunking property opens a
 * store for each try.
 */
class FileSystemBlobStoreContractTest extends BlobStoreContract {
  private Path dir;

  @Override
  protected BlobStore newStore() throws IOException {
    Files.createDirectories(Path.of("target", "tck"));
    dir = Files.createTempDirectory(Path.of("target", "tck"), "fs-");
    return FileSystemBlobStore.builder(dir).durable(false).open();
  }

  @Override
  protected BlobStore newStore(Clock clock) throws IOException {
    Files.createDirectories(Path.of("target", "tck"));
    return FileSystemBlobStore.builder(Files.createTempDirectory(Path.of("target", "tck"), "fs-"))
        .durable(false)
        .clock(clock)
        .open();
  }

  @Override
  protected BlobStore reopen(BlobStore closed) throws IOException {
    return FileSystemBlobStore.builder(dir).durable(false).open();
  }
}
