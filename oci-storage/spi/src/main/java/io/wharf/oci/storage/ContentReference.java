package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import java.util.Locale;

/**
 * A stored manifest's reference to content of its own repository, as {@link MetadataStore} records
 * it at {@link MetadataStore#putManifest}: what a delete must not break, and what garbage
 * collection marks from. A {@code subject} is not one: the spec lets referrers dangle.
 *
 * @param manifest the referring manifest
 * @param target the blob or manifest it refers to
 * @param kind how it refers to it
 */
public record ContentReference(Digest manifest, Digest target, Kind kind) {

  /** How a manifest refers to content. */
  public enum Kind {
    /** The {@code config} of an image manifest: a blob. */
    CONFIG,
    /** One of the {@code layers} of an image manifest: a blob. */
    LAYER,
    /** One of the {@code manifests} of an index: a manifest of the same repository. */
    CHILD;

    /** Whether the target is a blob (else a manifest). */
    public boolean isBlob() {
      return this != CHILD;
    }

    /** The kind's name in lower case, as messages and the database write it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of {@code label}. */
    public static Kind ofLabel(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  /** Words for people: {@code "manifest sha256:… (layer)"}. */
  public String describe() {
    return "manifest " + manifest + " (" + kind.label() + ")";
  }
}
