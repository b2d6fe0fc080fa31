package io.wharf.oci.server;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of one repository's content, for {@link AdmissionGate}s: its manifests, tags,
 * referrers and the blobs linked to it. During a push it shows the repository as it was before the
 * push. Every accessor may do I/O and fail. Nothing outside the repository is visible: a blob is
 * readable here only when it is linked to this repository, as on the wire.
 */
public interface ContentView {

  /** The repository. */
  RepositoryName repository();

  /** Manifest {@code digest}, exactly as pushed. */
  Optional<RawManifest> manifest(Digest digest) throws IOException;

  /** What {@code tag} points at now. */
  Optional<Digest> resolve(Tag tag) throws IOException;

  /**
   * The manifests whose subject is {@code subject} (signatures, SBOMs, scan reports), as the
   * referrers API lists them; only those of {@code artifactType} when given.
   */
  List<Descriptor> referrers(Digest subject, Optional<MediaType> artifactType) throws IOException;

  /** The size of blob {@code digest}, if it is linked to the repository. */
  Optional<Long> blobSize(Digest digest) throws IOException;

  /**
   * The bytes of blob {@code digest}, verified against the digest as they are read (a mismatch
   * fails at the end of the stream). The caller closes the stream and bounds what it reads.
   *
   * @throws io.wharf.oci.model.error.NotFoundException with {@code BLOB_UNKNOWN} when the blob is
   *     not linked to the repository
   */
  InputStream openBlob(Digest digest) throws IOException;
}
