package io.wharf.oci.storage;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything that {@link MetadataStore#putManifest} records in one atomic step: the manifest, the
 * tags that now point at it, the blobs it references (linked to the repository), the child
 * manifests of an index, and its entry in the referrers index of its subject. {@link #of} derives
 * them from the manifest, so that every backend records the same facts.
 *
 * @param manifest the manifest, exactly as received
 * @param tags the tags to point at it (several: distribution-spec end-7b {@code tag} parameters)
 * @param blobs the blobs it references (config and layers), to link to the repository
 * @param children the manifests an index lists
 * @param subject the manifest this one refers to, if any
 * @param referrer this manifest as a descriptor in the referrers index (end-12)
 * @param at when it is pushed
 */
public record ManifestPut(
    RawManifest manifest,
    Set<Tag> tags,
    List<Descriptor> blobs,
    List<Digest> children,
    Optional<Digest> subject,
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
    Manifest parsed = manifest.parse();
    List<Descriptor> blobs = new ArrayList<>();
    List<Digest> children = new ArrayList<>();
    if (parsed instanceof ImageIndex index) {
      index.manifests().forEach(d -> children.add(d.digest()));
    } else {
      blobs.addAll(parsed.references());
    }
    Descriptor referrer = manifest.descriptor().withAnnotations(parsed.annotations());
    if (parsed.effectiveArtifactType().isPresent()) {
      referrer = referrer.withArtifactType(parsed.effectiveArtifactType().get());
    }
    return new ManifestPut(
        manifest, tags, blobs, children, parsed.subject().map(Descriptor::digest), referrer, at);
  }
}
