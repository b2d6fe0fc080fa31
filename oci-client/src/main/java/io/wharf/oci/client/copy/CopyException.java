package io.wharf.oci.client.copy;

import io.wharf.oci.model.Digest;
import java.io.IOException;
import java.util.Optional;

/**
 * A copy failed. The message names the step (reading the root, a manifest, a blob, writing one) and
 * the digest; the cause is what the source or destination threw: an {@link IOException} when bytes
 * could not move, a {@link io.wharf.oci.client.RegistryClientException} when a registry said no, an
 * {@link io.wharf.oci.model.error.InvalidContentException} when content did not match its digest
 * ({@code DIGEST_INVALID}, {@code SIZE_INVALID}), a {@link
 * io.wharf.oci.model.error.NotFoundException} when something is missing.
 */
public final class CopyException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The step that failed. */
  public enum Step {
    /** Reading the manifest the source names. */
    READ_ROOT,
    /** Choosing the platform(s) of an index. */
    SELECT_PLATFORM,
    /** Reading a child manifest or referrer. */
    READ_MANIFEST,
    /** Listing referrers at the source. */
    LIST_REFERRERS,
    /** Moving a blob. */
    COPY_BLOB,
    /** Writing a manifest. */
    WRITE_MANIFEST,
    /** Making the copy visible (index, archive, referrers tag). */
    COMMIT
  }

  private final Step step;
  private final transient Optional<Digest> digest;

  CopyException(Step step, Optional<Digest> digest, String message, Throwable cause) {
    super(message, cause);
    this.step = step;
    this.digest = digest;
  }

  /** The step that failed. */
  public Step step() {
    return step;
  }

  /** The digest of the manifest or blob concerned, if one was. */
  public Optional<Digest> digest() {
    return digest;
  }
}
