package io.wharf.oci.model;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An image index (image-spec image-index.md), or a Docker manifest list read into the same shape.
 *
 * @param schemaVersion always 2
 * @param mediaType {@link MediaType#OCI_IMAGE_INDEX} or {@link MediaType#DOCKER_MANIFEST_LIST}
 * @param artifactType the type of artifact, when the index is used for one
 * @param manifests the manifests it lists, possibly with their platforms
 * @param subject the manifest this one refers to
 * @param annotations arbitrary metadata
 */
public record ImageIndex(
    int schemaVersion,
    MediaType mediaType,
    Optional<MediaType> artifactType,
    List<Descriptor> manifests,
    Optional<Descriptor> subject,
    Map<String, String> annotations)
    implements Manifest {

  /** Validates and copies. */
  public ImageIndex {
    if (schemaVersion != 2) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID, "schemaVersion must be 2, got " + schemaVersion);
    }
    if (!mediaType.isIndex()) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID, "media type " + mediaType + " is not an index type");
    }
    manifests = List.copyOf(manifests);
    annotations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
  }

  /** An OCI image index of {@code manifests}. */
  public static ImageIndex of(List<Descriptor> manifests) {
    return new ImageIndex(
        2, MediaType.OCI_IMAGE_INDEX, Optional.empty(), manifests, Optional.empty(), Map.of());
  }

  /** This index with {@code subject}. */
  public ImageIndex withSubject(Descriptor subject) {
    return new ImageIndex(
        schemaVersion, mediaType, artifactType, manifests, Optional.of(subject), annotations);
  }

  /** This index with {@code artifactType}. */
  public ImageIndex withArtifactType(MediaType artifactType) {
    return new ImageIndex(
        schemaVersion, mediaType, Optional.of(artifactType), manifests, subject, annotations);
  }

  /** This index with {@code manifests} instead of its own. */
  public ImageIndex withManifests(List<Descriptor> manifests) {
    return new ImageIndex(schemaVersion, mediaType, artifactType, manifests, subject, annotations);
  }

  /** This index with {@code annotations} instead of its own. */
  public ImageIndex withAnnotations(Map<String, String> annotations) {
    return new ImageIndex(schemaVersion, mediaType, artifactType, manifests, subject, annotations);
  }

  @Override
  public List<Descriptor> references() {
    return manifests;
  }

  @Override
  public Optional<MediaType> effectiveArtifactType() {
    return artifactType;
  }

  /**
   * The manifest for {@code wanted}, as a runtime would pick it: among the entries whose platform
   * {@link Platform#matches matches}, an exact variant is preferred; for {@code arm}, a lower
   * variant that the wanted one can run ({@code v7} runs {@code v6} and {@code v5}) is taken when
   * no exact one exists, the highest first. Entries without a platform never match.
   */
  public Optional<Descriptor> manifestFor(Platform wanted) {
    Optional<Descriptor> exact =
        manifests.stream()
            .filter(d -> d.platform().isPresent() && wanted.matches(d.platform().get()))
            .findFirst();
    if (exact.isPresent()) {
      return exact;
    }
    Platform want = wanted.normalize();
    if (!want.architecture().equals("arm") || want.variant().isEmpty()) {
      return Optional.empty();
    }
    int wantLevel = armLevel(want.variant().get());
    return manifests.stream()
        .filter(d -> d.platform().isPresent())
        .filter(
            d -> {
              Platform have = d.platform().get().normalize();
              return have.os().equals(want.os())
                  && have.architecture().equals("arm")
                  && have.variant().isPresent()
                  && armLevel(have.variant().get()) > 0
                  && armLevel(have.variant().get()) < wantLevel;
            })
        .max(
            Comparator.comparingInt(
                d -> armLevel(d.platform().get().normalize().variant().orElse(""))));
  }

  private static int armLevel(String variant) {
    return switch (variant) {
      case "v5" -> 5;
      case "v6" -> 6;
      case "v7" -> 7;
      case "v8" -> 8;
      default -> -1;
    };
  }
}
