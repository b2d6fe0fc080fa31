package io.wharf.oci.client.copy;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.MediaType;
import java.util.Optional;

/** How a referrer is described in a referrers list (distribution-spec end-12a). */
final class Referrers {

  private Referrers() {}

  /**
   * {@code manifest}'s descriptor as a referrers index lists it: media type, digest and size, the
   * artifact type (or for an image manifest without one, its config's media type) and the
   * manifest's annotations.
   */
  static Descriptor descriptor(Descriptor base, Manifest manifest) {
    Descriptor d = Descriptor.of(base.mediaType(), base.digest(), base.size());
    Optional<MediaType> type =
        manifest instanceof ImageManifest m
            ? m.effectiveArtifactType()
            : ((ImageIndex) manifest).effectiveArtifactType();
    d = type.map(d::withArtifactType).orElse(d);
    return manifest.annotations().isEmpty() ? d : d.withAnnotations(manifest.annotations());
  }
}
