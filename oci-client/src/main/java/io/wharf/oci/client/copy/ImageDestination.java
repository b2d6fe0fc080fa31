package io.wharf.oci.client.copy;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.Tag;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a copy writes: a repository of a registry, an OCI layout directory or an OCI layout tar
 * archive. The {@link Copier} calls {@link #hasBlob}, {@link #mountBlob} and {@link #writeBlob}
 * from several threads when {@link #parallelWrites()} allows, then {@link #writeManifest} in order
 * (children before parents), then {@link #commit()} once. Closing without a commit abandons what is
 * not visible yet (an archive is deleted, a layout's {@code index.json} is left as it was).
 */
public interface ImageDestination extends Closeable {

  /** Whether the destination already has blob {@code blob} (same digest and size). */
  boolean hasBlob(Descriptor blob) throws IOException;

  /**
   * Makes blob {@code blob} of the same registry's repository {@code from} appear here without
   * moving its bytes, if the destination can.
   *
   * @return true when mounted; false when the destination cannot (then it is written)
   */
  default boolean mountBlob(Descriptor blob, Repository from) throws IOException {
    return false;
  }

  /**
   * Writes blob {@code blob}, reading it from {@code content}; the bytes are verified against the
   * descriptor, by the destination ({@link #verifiesBlobs()}) or by the stream {@code content}
   * gives.
   */
  void writeBlob(Descriptor blob, BlobOpener content) throws IOException;

  /**
   * Whether {@link #writeBlob} itself checks digest and size before the blob becomes visible, so
   * that the source need not verify too.
   */
  default boolean verifiesBlobs() {
    return false;
  }

  /** Whether {@link #writeBlob} may be called from several threads at once. */
  default boolean parallelWrites() {
    return true;
  }

  /** Writes {@code manifest} (exact bytes) in its {@code role}. */
  void writeManifest(RawManifest manifest, ManifestRole role) throws IOException;

  /** Makes the copy visible where that is a separate step (a layout's index, an archive). */
  void commit() throws IOException;

  /** The repository, when the destination is one on a registry. */
  default Optional<Repository> repository() {
    return Optional.empty();
  }

  /**
   * A repository: the root is pushed under {@code reference}'s tag, or by digest when it names only
   * one (which must then be the root's). The client is the caller's.
   */
  static ImageDestination registry(RegistryClient client, Reference reference) {
    return new RegistryDestination(client, reference);
  }

  /**
   * An OCI layout directory, created when missing; blobs and {@code index.json} entries already
   * there are kept, and an entry with the same tag is replaced. Files are written only under {@code
   * directory}.
   *
   * @param tag the root's {@code org.opencontainers.image.ref.name}, or empty for an untagged entry
   */
  static ImageDestination layoutDirectory(Path directory, Optional<Tag> tag) throws IOException {
    return LayoutDestination.directory(directory, tag);
  }

  /**
   * An OCI layout tar archive at {@code file}, replaced on {@link #commit()} (written beside it
   * first, then renamed). Blobs are written one at a time, in the archive's order.
   *
   * @param tag the root's {@code org.opencontainers.image.ref.name}, or empty
   */
  static ImageDestination layoutArchive(Path file, Optional<Tag> tag) throws IOException {
    return LayoutDestination.archive(file, tag);
  }
}
