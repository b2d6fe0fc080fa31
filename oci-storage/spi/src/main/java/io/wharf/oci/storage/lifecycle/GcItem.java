package io.wharf.oci.storage.lifecycle;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing a garbage collection run deleted (or, in a dry run, would delete), and why.
 *
 * @param kind what it is
 * @param repository the repository, for a manifest or a link
 * @param digest the manifest's or blob's digest
 * @param size its size in bytes
 * @param reason why it is garbage, in words
 */
public record GcItem(
    Kind kind, Optional<RepositoryName> repository, Digest digest, long size, String reason) {

  /** What a run removes. */
  public enum Kind {
    /** A manifest of a repository (only when untagged manifests are collected). */
    MANIFEST,
    /** The link of a blob to a repository: the repository can no longer read it. */
    LINK,
    /** A blob's bytes, which no repository linked. */
    BLOB
  }

  /** Checks the components. */
  public GcItem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(reason, "reason");
  }

  /** One line: {@code blob sha256:... (1234 bytes): no repository links it}. */
  public String describe() {
    String where = repository.map(r -> " in " + r).orElse("");
    return kind.name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + digest
        + where
        + " ("
        + size
        + " bytes): "
        + reason;
  }
}
