package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The part of a {@link MetadataStore} that garbage collection and retention use: a consistent read
 * of a repository's content, deletes that are conditional on what is true at the moment they run,
 * and a journal of what changed, so that a run can be incremental.
 *
 * <p>Collectors decide from reads that may be outdated by the time they act, while pushes, tags and
 * mounts go on. Every delete here therefore re-checks, in its own atomic step, that what it removes
 * is still garbage, and does nothing otherwise: a concurrent push, tag or mount can never be undone
 * by a collector, whatever it read before.
 *
 * <p>Every write of a {@link MetadataStore} to a repository (a manifest put, a tag or manifest
 * delete, a blob link or unlink) journals that repository, and a write that removes the last link
 * of a blob anywhere journals the blob, in the write's own atomic step. An entry written again
 * moves to the end of the journal.
 */
public interface LifecycleStore {

  /**
   * The most digests {@link #sweepBlobs} takes in one call, the most entries {@link #journal} reads
   * and {@link #remember} writes in one call; {@link CheckedMetadataStore} refuses more.
   */
  int MAX_BATCH = 100_000;

  /** Everything {@code repository} holds, read in one consistent step. */
  RepositoryContent content(RepositoryName repository) throws IOException;

  /**
   * Deletes {@code tag} when it still points at {@code digest}; a tag that was moved meanwhile
   * stays.
   *
   * @return whether the tag was deleted
   */
  boolean removeTag(RepositoryName repository, Tag tag, Digest digest) throws IOException;

  /**
   * Deletes manifest {@code digest} of {@code repository} when, at that moment: no tag points at
   * it, no stored manifest of the repository lists it as a child, its subject (when it is a
   * referrer) is not stored in the repository, and it was pushed before {@code pushedBefore}. Its
   * references and its referrer entry go with it; its blob links stay.
   *
   * @return whether the manifest was deleted
   */
  boolean collectManifest(RepositoryName repository, Digest digest, Instant pushedBefore)
      throws IOException;

  /**
   * Removes the link of blob {@code digest} from {@code repository} when, at that moment, no stored
   * manifest of the repository refers to it (as config or layer) and it was last linked before
   * {@code linkedBefore}.
   *
   * @return whether the link was removed
   */
  boolean collectLink(RepositoryName repository, Digest digest, Instant linkedBefore)
      throws IOException;

  /**
   * {@link #collectLink} for each of {@code digests} (at most {@link #MAX_BATCH}), each link
   * re-checked at the moment it goes, as that method says. A store may remove several links in one
   * atomic step, which garbage collection needs: a store that commits each step to disk would
   * otherwise take a disk flush per link. The default calls {@link #collectLink} for each.
   *
   * @return the digests whose links were removed
   */
  default List<Digest> collectLinks(
      RepositoryName repository, Collection<Digest> digests, Instant linkedBefore)
      throws IOException {
    List<Digest> removed = new java.util.ArrayList<>();
    for (Digest digest : digests) {
      if (collectLink(repository, digest, linkedBefore)) {
        removed.add(digest);
      }
    }
    return removed;
  }

  /**
   * For each of {@code digests} that no repository links, calls {@code sweeper} while no repository
   * can link it: a {@link MetadataStore#linkBlob} of that digest waits until the call returned. So
   * a link is either seen here (and the blob is kept) or made after the sweeper ran (and whoever
   * linked can see that the bytes are gone).
   *
   * @return the digests whose bytes the sweeper deleted
   */
  List<Digest> sweepBlobs(Collection<Digest> digests, BlobSweeper sweeper) throws IOException;

  /** The oldest entries of the journal, at most {@code limit} of them. */
  JournalBatch journal(int limit) throws IOException;

  /**
   * Removes the entries of {@code done} from the journal, except those written again since it was
   * read (their position is past {@code done.upTo()}).
   */
  void trimJournal(JournalBatch done) throws IOException;

  /**
   * Journals {@code repositories} and {@code blobs} again (at the end), for a collector that found
   * something not yet old enough to collect.
   */
  void remember(Collection<RepositoryName> repositories, Collection<Digest> blobs)
      throws IOException;
}
