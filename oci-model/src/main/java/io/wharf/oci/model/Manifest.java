package io.wharf.oci.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed view of a manifest: an {@link ImageManifest} (OCI image manifest or Docker schema 2)
 * or an {@link ImageIndex} (OCI image index or Docker manifest list). The bytes in {@link
 * RawManifest} are authoritative; this view is for reading fields.
 */
public sealed interface Manifest permits ImageManifest, ImageIndex {

  /** Always 2. */
  int schemaVersion();

  /** The media type: the {@code mediaType} field, or the type it was detected or declared as. */
  MediaType mediaType();

  /** The {@code artifactType} field. */
  Optional<MediaType> artifactType();

  /** The {@code subject} field: the manifest this one refers to (referrers API). */
  Optional<Descriptor> subject();

  /** The {@code annotations} field. */
  Map<String, String> annotations();

  /**
   * The content this manifest requires to be present: config and layers of an image manifest, the
   * manifests of an index. Not the subject, which may be absent.
   */
  List<Descriptor> references();

  /**
   * The artifact type as the referrers API reports it (distribution-spec end-12): {@code
   * artifactType}, else, for an image manifest, {@code config.mediaType}.
   */
  Optional<MediaType> effectiveArtifactType();
}
