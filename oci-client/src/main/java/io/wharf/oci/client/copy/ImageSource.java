package io.wharf.oci.client.copy;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Reference;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a copy reads: a repository of a registry, or an OCI layout (directory or tar archive).
 * Every accessor may do I/O. Implementations are thread-safe: the {@link Copier} reads blobs from
 * several threads at once.
 */
public interface ImageSource extends Closeable {

  /**
   * The manifest that the source names (a tag or digest), as its exact bytes.
   *
   * @throws io.wharf.oci.model.error.NotFoundException or {@link
   *     io.wharf.oci.client.RegistryClientException} when there is no such manifest
   */
  RawManifest root() throws IOException;

  /** The manifest {@code descriptor} names, checked against its digest. */
  RawManifest manifest(Descriptor descriptor) throws IOException;

  /**
   * The bytes of blob {@code blob}, verified while they stream: the stream fails at the latest at
   * its end ({@link io.wharf.oci.model.error.InvalidContentException} DIGEST_INVALID or
   * SIZE_INVALID) when they are not what the descriptor says. The caller closes it.
   */
  InputStream openBlob(Descriptor blob) throws IOException;

  /**
   * The bytes of blob {@code blob} for a destination that verifies them itself: may skip this
   * side's verification (a layout) to hash each byte once. By default {@link #openBlob}.
   */
  default InputStream openBlobForVerifyingDestination(Descriptor blob) throws IOException {
    return openBlob(blob);
  }

  /** The descriptors of the manifests whose subject is {@code subject}; empty when none. */
  List<Descriptor> referrers(Descriptor subject) throws IOException;

  /** The repository, when the source is one on a registry (a mount needs it). */
  default Optional<Repository> repository() {
    return Optional.empty();
  }

  /**
   * A repository: {@code reference}'s tag or digest names the root. The client is the caller's; it
   * is not closed with the source.
   */
  static ImageSource registry(RegistryClient client, Reference reference) {
    return new RegistrySource(client, reference);
  }

  /**
   * An OCI layout, directory or tar archive, read and verified with {@link
   * io.wharf.oci.model.layout.OciLayout}. The root is the {@code index.json} entry whose {@code
   * org.opencontainers.image.ref.name} is {@code tag}, or without a tag the only entry there.
   *
   * @param tag the reference name, or empty
   */
  static ImageSource layout(Path path, Optional<String> tag) throws IOException {
    return LayoutSource.open(path, tag);
  }
}
