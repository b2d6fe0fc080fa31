package io.wharf.oci.policy;

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
 * The facts a policy reads about one repository, read-only: its manifests, tags, referrers and
 * blobs. A registry implements it over its stores (what the repository holds, as the caller may see
 * it); a client implements it over any remote registry. Every accessor may do I/O and fail, so
 * implementations can be lazy; policies ask only for what they need.
 */
public interface PolicyContext {

  /** The repository. */
  RepositoryName repository();

  /** Manifest {@code digest}, exactly as stored; empty when the repository lacks it. */
  Optional<RawManifest> manifest(Digest digest) throws IOException;

  /** What {@code tag} points at now (for example cosign's {@code sha256-<hex>.sig} tags). */
  Optional<Digest> resolve(Tag tag) throws IOException;

  /**
   * The tags that point at manifest {@code digest} now, in text order (a rule scoped to tag
   * patterns judges a pull by digest by these).
   */
  List<Tag> tagsOf(Digest digest) throws IOException;

  /**
   * The indexes of the repository that list manifest {@code digest} among their manifests, in text
   * order of their digests: a signature rule that judges an index by its own signature lets a child
   * of a signed index be pulled by digest (as clients fetch a platform's manifest). Empty by
   * default, for sources that cannot tell (a remote registry).
   */
  default List<Digest> indexesOf(Digest digest) throws IOException {
    return List.of();
  }

  /**
   * The manifests whose subject is {@code subject} (signatures, SBOMs, scan reports), as the
   * referrers API lists them, with their artifact types and annotations; only those of {@code
   * artifactType} when given.
   */
  List<Descriptor> referrers(Digest subject, Optional<MediaType> artifactType) throws IOException;

  /**
   * The bytes of blob {@code digest}, verified against the digest as they are read (a mismatch
   * fails at the end of the stream). The caller closes the stream and bounds what it reads.
   *
   * @throws io.wharf.oci.model.error.NotFoundException when the repository lacks the blob
   */
  InputStream openBlob(Digest digest) throws IOException;
}
