package io.wharf.oci.policy.retention;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A top-level artifact that retention may delete: a manifest of a repository, with its tags and
 * times. Referrers (signatures, SBOMs, scan reports) and the untagged children of an index are not
 * candidates: they follow their subject or index.
 *
 * <p>Times are the artifact's as Harbor counts them: {@code pushedAt} is the latest of the
 * manifest's push and its tags' pushes, {@code pulledAt} the latest pull of the manifest by digest
 * or through one of its tags (the storage SPI's {@code ManifestNode} and {@code TagRecord} have
 * both).
 *
 * @param repository its repository
 * @param digest the manifest's digest
 * @param tags the tags pointing at it, sorted and without duplicates (empty: untagged)
 * @param pushedAt when it, or one of its tags, was last pushed
 * @param pulledAt when it was last pulled, empty when never
 */
public record RetentionCandidate(
    RepositoryName repository,
    Digest digest,
    List<Tag> tags,
    Instant pushedAt,
    Optional<Instant> pulledAt) {

  /** Checks the parts; sorts the tags and drops duplicates. */
  public RetentionCandidate {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
    tags = List.copyOf(new TreeSet<>(tags));
    Objects.requireNonNull(pushedAt, "pushedAt");
    Objects.requireNonNull(pulledAt, "pulledAt");
  }

  /** Whether no tag points at it. */
  public boolean untagged() {
    return tags.isEmpty();
  }

  /** {@code library/app@sha256:0123456789ab} (12 hex digits) and its tags, for messages. */
  @Override
  public String toString() {
    String hex = digest.encoded();
    return repository
        + "@"
        + digest.algorithm()
        + ":"
        + (hex.length() > 12 ? hex.substring(0, 12) : hex)
        + (tags.isEmpty() ? " (untagged)" : " " + tags);
  }
}
