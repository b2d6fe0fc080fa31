package io.wharf.oci.storage;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Everything that {@link MetadataStore#putManifest} records in one atomic step: the manifest, the
 * tags that now point at it, the blobs it references, the child manifests of an index, and its
 * entry in the referrers index of its subject. {@link #of} derives them from the manifest, so that
 * every backend records the same facts.
 *
 * @param manifest the manifest, exactly as received
 * @param tags the tags to point at it (several: distribution-spec end-7b {@code tag} parameters)
 * @param blobs the blobs it references: the config first, then the layers of an image manifest
 * @param children the manifests an index lists
 * @param subject the manifest this one refers to, if any
 * @param referrer this manifest as a descriptor in the referrers index (end-12)
 * @param at when it is pushed
 */
public record ManifestPut(
    RawManifest manifest,
    Set<Tag> tags,
    List<Descriptor> blobs,
    List<Descriptor> children,
    Optional<Descriptor> subject,
    Descriptor referrer,
    Instant at) {

  /** Copies. */
  public ManifestPut {
    tags = Set.copyOf(new LinkedHashSet<>(tags));
    blobs = List.copyOf(blobs);
    children = List.copyOf(children);
  }

  /**
   * The facts of {@code manifest}, parsed: its referenced blobs (config and layers of an image
   * manifest), its children (the manifests of an index), its subject, and its referrer descriptor
   * (media type, digest, size, {@code artifactType} as end-12 reports it, annotations).
   */
  public static ManifestPut of(RawManifest manifest, Set<Tag> tags, Instant at) {
    return of(manifest, manifest.parse(), tags, at);
  }

  /**
   * As {@link #of(RawManifest, Set, Instant)}, with {@code parsed}, the view of {@code manifest}.
   */
  public static ManifestPut of(RawManifest manifest, Manifest parsed, Set<Tag> tags, Instant at) {
    List<Descriptor> blobs = new ArrayList<>();
    List<Descriptor> children = new ArrayList<>();
    if (parsed instanceof ImageIndex index) {
      children.addAll(index.manifests());
    } else {
      blobs.addAll(parsed.references());
    }
    Descriptor referrer = manifest.descriptor().withAnnotations(parsed.annotations());
    if (parsed.effectiveArtifactType().isPresent()) {
      referrer = referrer.withArtifactType(parsed.effectiveArtifactType().get());
    }
    return new ManifestPut(manifest, tags, blobs, children, parsed.subject(), referrer, at);
  }

  /** The digest of {@link #subject()}, if any. */
  public Optional<Digest> subjectDigest() {
    return subject.map(Descriptor::digest);
  }

  /**
   * What this manifest refers to, each once: its config and layers, or its children. A store
   * records them beside the manifest.
   */
  public List<ContentReference> references() {
    Set<ContentReference> refs = new LinkedHashSet<>();
    Digest digest = manifest.digest();
    for (int i = 0; i < blobs.size(); i++) {
      ContentReference.Kind kind =
          i == 0 ? ContentReference.Kind.CONFIG : ContentReference.Kind.LAYER;
      refs.add(new ContentReference(digest, blobs.get(i).digest(), kind));
    }
    for (Descriptor child : children) {
      refs.add(new ContentReference(digest, child.digest(), ContentReference.Kind.CHILD));
    }
    return List.copyOf(refs);
  }

  /** The size of content in a repository, if the repository has it. */
  @FunctionalInterface
  public interface StoredSize {
    /** The size of {@code digest} as the repository holds it; empty when it does not. */
    OptionalLong of(Digest digest) throws IOException;
  }

  /**
   * Checks what this manifest references against what {@code repository} holds: every distributable
   * blob must be there ({@code blobs}: linked and stored) and every child of a manifest media type
   * ({@code manifests}), or the put is {@code MANIFEST_BLOB_UNKNOWN} (code-5); and each of them,
   * and the subject when the repository has it, must have the size its descriptor says, or the put
   * is {@code MANIFEST_INVALID} (code-6). Blobs with a non-distributable media type (foreign layers
   * with {@code urls}) are not checked. The error names the descriptor ({@code config}, {@code
   * layers[i]}, {@code manifests[i]} or {@code subject}), its digest and both sizes. The engine
   * calls this before admission; every store calls it again inside {@link
   * MetadataStore#putManifest}'s atomic step.
   */
  public void checkReferences(RepositoryName repository, StoredSize blobs, StoredSize manifests)
      throws IOException {
    for (int i = 0; i < this.blobs.size(); i++) {
      Descriptor d = this.blobs.get(i);
      if (d.mediaType().isDistributable()) {
        check(repository, i == 0 ? "config" : "layers[" + (i - 1) + "]", d, "blob", blobs, true);
      }
    }
    for (int i = 0; i < children.size(); i++) {
      Descriptor d = children.get(i);
      if (d.mediaType().isManifest()) {
        check(repository, "manifests[" + i + "]", d, "manifest", manifests, true);
      }
    }
    if (subject.isPresent()) {
      check(repository, "subject", subject.get(), "manifest", manifests, false);
    }
  }

  private static void check(
      RepositoryName repository,
      String field,
      Descriptor d,
      String what,
      StoredSize sizes,
      boolean required)
      throws IOException {
    OptionalLong stored = sizes.of(d.digest());
    if (stored.isEmpty()) {
      if (required) {
        throw new InvalidContentException(
            ErrorCode.MANIFEST_BLOB_UNKNOWN,
            "manifest references "
                + what
                + " "
                + d.digest()
                + " ("
                + field
                + "), which is unknown in "
                + repository,
            Map.of("digest", d.digest().toString(), "descriptor", field));
      }
      return;
    }
    if (stored.getAsLong() != d.size()) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID,
          field
              + " "
              + d.digest()
              + " says "
              + d.size()
              + " bytes, but the stored "
              + what
              + " has "
              + stored.getAsLong(),
          Map.of(
              "descriptor", field,
              "digest", d.digest().toString(),
              "size", d.size(),
              "storedSize", stored.getAsLong()));
    }
  }
}
