package io.wharf.oci.storage;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a registry knows beside the bytes: repositories, manifests (exact bytes), tags, the
 * referrers index, which blobs each repository may read, timestamps for retention and usage for
 * quotas. Implementations are thread-safe, and each method is atomic.
 *
 * <p>A repository exists while it has a manifest or a linked blob. Listings are in lexical (byte)
 * order and cost O(page), not O(all).
 */
public interface MetadataStore extends Closeable {

  /**
   * Records a manifest push in one atomic step: the manifest in the repository (kept if already
   * there, with its first push time), every tag of {@code put} moved to it, its {@linkplain
   * ManifestPut#references() references}, and its referrer entry under its subject (also when the
   * subject is absent, as the spec allows).
   *
   * <p>In the same step, what the manifest references must be in the repository, as {@link
   * ManifestPut#checkReferences} says: its distributable blobs linked with the sizes their
   * descriptors say, its child manifests stored with theirs, and its subject, when stored, with its
   * size. Otherwise nothing is recorded and the put fails with that method's {@link
   * io.wharf.oci.model.error.InvalidContentException}. So a manifest never refers to content its
   * repository lacks, even when a delete races the push: either the delete comes first and the push
   * fails, or the push comes first and the delete is refused. The put links nothing itself.
   *
   * @return the tags that pointed elsewhere before, with their previous digest
   */
  Map<Tag, Digest> putManifest(RepositoryName repository, ManifestPut put) throws IOException;

  /** The manifest {@code digest} in {@code repository}, exactly as pushed. */
  Optional<RawManifest> getManifest(RepositoryName repository, Digest digest) throws IOException;

  /** What is known of manifest {@code digest} in {@code repository}, without its bytes. */
  Optional<ManifestRecord> statManifest(RepositoryName repository, Digest digest)
      throws IOException;

  /** The manifest {@code tag} points at. */
  Optional<Digest> resolveTag(RepositoryName repository, Tag tag) throws IOException;

  /**
   * Removes manifest {@code digest} from {@code repository} with every tag pointing at it, its own
   * referrer entry and its references. Its blob links stay; garbage collection decides about them.
   * Referrers whose subject it is stay too (the spec lets them dangle).
   *
   * @return whether it existed
   * @throws StillReferencedException when an index of the repository lists it; nothing is removed
   */
  boolean deleteManifest(RepositoryName repository, Digest digest) throws IOException;

  /**
   * Removes {@code tag}; the manifest stays.
   *
   * @return whether it existed
   */
  boolean deleteTag(RepositoryName repository, Tag tag) throws IOException;

  /** A page of the tags of {@code repository}, in lexical order. */
  Page<Tag> tags(RepositoryName repository, PageRequest page) throws IOException;

  /** Every tag of {@code repository} with what it points at and its timestamps. */
  List<TagRecord> tagRecords(RepositoryName repository) throws IOException;

  /** Every manifest of {@code repository}, without bytes. */
  List<ManifestRecord> manifestRecords(RepositoryName repository) throws IOException;

  /**
   * The manifests in {@code repository} whose subject is {@code subject} (end-12a), as descriptors;
   * only those of {@code artifactType} when given (end-12b). In digest order.
   */
  List<Descriptor> referrers(
      RepositoryName repository, Digest subject, Optional<MediaType> artifactType)
      throws IOException;

  /** A page of repository names, in lexical order ({@code _catalog}). */
  Page<RepositoryName> repositories(PageRequest page) throws IOException;

  /** Whether {@code repository} has any manifest or linked blob. */
  boolean repositoryExists(RepositoryName repository) throws IOException;

  /**
   * Lets {@code repository} read {@code blob} (a push or a cross-repository mount, end-11).
   *
   * @return whether the link is new
   */
  boolean linkBlob(RepositoryName repository, BlobInfo blob) throws IOException;

  /** Whether {@code repository} may read {@code blob}. */
  boolean isBlobLinked(RepositoryName repository, Digest blob) throws IOException;

  /**
   * Removes the link of {@code blob} to {@code repository}.
   *
   * @return whether it existed
   * @throws StillReferencedException when a manifest of the repository has it as its config or a
   *     layer; the link stays
   */
  boolean unlinkBlob(RepositoryName repository, Digest blob) throws IOException;

  /**
   * Who refers to {@code target} in {@code repository}: the references of its stored manifests
   * (configs, layers, index children) whose target it is, in the text order of the referring
   * manifest's digest, then of the kind's {@linkplain ContentReference.Kind#label() label}. What a
   * delete checks, and what garbage collection marks from.
   */
  List<ContentReference> referencesTo(RepositoryName repository, Digest target) throws IOException;

  /**
   * A page of the blobs linked to {@code repository}, in lexical order of {@code
   * algorithm:encoded}.
   */
  Page<Digest> blobLinks(RepositoryName repository, PageRequest page) throws IOException;

  /** Every blob linked to any repository, each once, for garbage collection; caller closes. */
  Stream<Digest> linkedBlobs() throws IOException;

  /** Records a pull of manifest {@code digest} (and of {@code tag}, when pulled by tag). */
  void recordPull(RepositoryName repository, Digest digest, Optional<Tag> tag, Instant at)
      throws IOException;

  /** The bytes {@code repository} holds: its manifests and its distinct linked blobs, each once. */
  long usage(RepositoryName repository) throws IOException;

  /**
   * What the repositories of project {@code project} hold (the repository named so and those under
   * {@code project/}): its bytes, each blob or manifest counted once however many of them share it,
   * and its artifacts, the manifests stored counted per repository ({@link ProjectUsage}). The two
   * are read together, so they agree with each other. Quotas read it once per push, so a backend
   * answers it without reading every repository of the project (from counters its writes keep, for
   * example).
   *
   * @throws io.wharf.oci.model.error.InvalidContentException {@code NAME_INVALID} when {@code
   *     project} is not one path component of a repository name ({@link ProjectUsage#checkProject})
   */
  ProjectUsage projectUsage(String project) throws IOException;

  /**
   * Whether a repository of project {@code project} holds {@code content}, as a manifest or as a
   * linked blob: content that a push or mount adds to the project without adding bytes to its
   * {@link #projectUsage}.
   *
   * @throws io.wharf.oci.model.error.InvalidContentException {@code NAME_INVALID} as {@link
   *     #projectUsage} does
   */
  boolean projectHolds(String project, Digest content) throws IOException;

  /**
   * The projects, members and robot accounts kept with this metadata (access control's records).
   * The same object on every call.
   */
  io.wharf.oci.storage.access.AccessStore access();

  /**
   * What garbage collection and retention use: consistent reads of a repository, conditional
   * deletes and the change journal. The same object on every call.
   */
  LifecycleStore lifecycle();

  @Override
  default void close() throws IOException {}
}
