package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import java.util.Objects;
import java.util.Set;

/**
 * Entries of a {@link LifecycleStore}'s change journal: repositories written since they were last
 * collected, and blobs whose last link went. {@code upTo} is the journal position of the newest
 * entry read; {@link LifecycleStore#trimJournal} removes exactly these entries unless they were
 * written again after it.
 *
 * @param upTo the position of the newest entry in this batch (0 when it is empty)
 * @param repositories repositories with a write since they were journaled
 * @param blobs blobs that no repository linked any more when they were journaled
 */
public record JournalBatch(long upTo, Set<RepositoryName> repositories, Set<Digest> blobs) {

  /** Checks the components and copies the sets. */
  public JournalBatch {
    repositories = Set.copyOf(repositories);
    blobs = Set.copyOf(blobs);
    if (upTo < 0) {
      throw new IllegalArgumentException("negative journal position " + upTo);
    }
    Objects.requireNonNull(repositories);
  }

  /** Whether the batch has no entry. */
  public boolean isEmpty() {
    return repositories.isEmpty() && blobs.isEmpty();
  }
}
