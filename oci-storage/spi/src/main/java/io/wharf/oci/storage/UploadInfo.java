package io.wharf.oci.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store knows of an open upload session, as {@link BlobStore#uploads()} lists it: enough for
 * whoever started it to find it again after a restart, apply its limits and expire it when idle.
 *
 * @param id the session's identifier
 * @param label what the upload was started with ({@link BlobStore#newUpload(
 *     io.wharf.oci.model.DigestAlgorithm, String)}), opaque to the store; empty when none
 * @param startedAt when the session started
 * @param updatedAt when bytes were last written to it (its start, before any)
 * @param offset how many bytes it holds
 */
public record UploadInfo(
    UploadId id, String label, Instant startedAt, Instant updatedAt, long offset) {

  /** The longest label a store keeps, in characters. */
  public static final int MAX_LABEL_LENGTH = 1024;

  /** Validates. */
  public UploadInfo {
    Objects.requireNonNull(id, "id");
    checkLabel(label);
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (offset < 0) {
      throw new IllegalArgumentException("negative upload offset " + offset);
    }
  }

  /**
   * {@code label} if a store can keep it: at most {@link #MAX_LABEL_LENGTH} characters, none of
   * them a control character (so that a store may keep it in a line of text).
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String checkLabel(String label) {
    Objects.requireNonNull(label, "label");
    if (label.length() > MAX_LABEL_LENGTH) {
      throw new IllegalArgumentException(
          "an upload label has at most " + MAX_LABEL_LENGTH + " characters");
    }
    for (int i = 0; i < label.length(); i++) {
      if (Character.isISOControl(label.charAt(i))) {
        throw new IllegalArgumentException("an upload label has no control characters");
      }
    }
    return label;
  }
}
