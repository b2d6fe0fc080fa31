package io.wharf.oci.model;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An image manifest (image-spec manifest.md), or a Docker schema 2 manifest read into the same
 * shape. {@code layers} may be empty: image-spec manifest.md says only that "for portability,
 * layers SHOULD have at least one entry" (the v1.1 JSON schema's {@code minItems: 1} is stricter
 * than the prose, and the distribution-spec conformance suite pushes a manifest without layers and
 * expects it stored). {@link #artifact} follows the SHOULD and uses {@link Descriptor#EMPTY_JSON}
 * as the layer of an artifact without content.
 *
 * @param schemaVersion always 2
 * @param mediaType {@link MediaType#OCI_IMAGE_MANIFEST} or {@link MediaType#DOCKER_MANIFEST_V2}
 * @param artifactType the type of artifact, when the manifest is used for one
 * @param config the configuration
 * @param layers the layers, base first
 * @param subject the manifest this one refers to
 * @param annotations arbitrary metadata
 */
public record ImageManifest(
    int schemaVersion,
    MediaType mediaType,
    Optional<MediaType> artifactType,
    Descriptor config,
    List<Descriptor> layers,
    Optional<Descriptor> subject,
    Map<String, String> annotations)
    implements Manifest {

  /** Validates and copies. */
  public ImageManifest {
    if (schemaVersion != 2) {
      throw invalid("schemaVersion must be 2, got " + schemaVersion);
    }
    if (!mediaType.isImageManifest()) {
      throw invalid("media type " + mediaType + " is not an image manifest type");
    }
    layers = List.copyOf(layers);
    if (config.mediaType().isUnknownInReservedNamespace()) {
      throw invalid("config.mediaType: " + config.mediaType() + " is not a type the spec defines");
    }
    if (mediaType.isDocker() && !config.mediaType().isDockerSchema2Config()) {
      throw invalid(
          "config.mediaType: "
              + config.mediaType()
              + " is not a configuration type of a Docker schema 2 manifest");
    }
    for (int i = 0; i < layers.size(); i++) {
      MediaType layerType = layers.get(i).mediaType();
      if (layerType.isUnknownInReservedNamespace() || layerType.isManifest()) {
        throw invalid(
            "layers[" + i + "].mediaType: " + layerType + " is not a layer type the spec defines");
      }
    }
    annotations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
  }

  /** An OCI image manifest of {@code config} and {@code layers}. */
  public static ImageManifest of(Descriptor config, List<Descriptor> layers) {
    return new ImageManifest(
        2,
        MediaType.OCI_IMAGE_MANIFEST,
        Optional.empty(),
        config,
        layers,
        Optional.empty(),
        Map.of());
  }

  /**
   * An OCI artifact manifest as image-spec manifest.md recommends: {@code artifactType}, the empty
   * config, and {@code layers} (the empty descriptor when there are none).
   */
  public static ImageManifest artifact(MediaType artifactType, List<Descriptor> layers) {
    return new ImageManifest(
        2,
        MediaType.OCI_IMAGE_MANIFEST,
        Optional.of(artifactType),
        Descriptor.EMPTY_JSON.withoutData(),
        layers.isEmpty() ? List.of(Descriptor.EMPTY_JSON.withoutData()) : layers,
        Optional.empty(),
        Map.of());
  }

  /** This manifest with {@code subject}. */
  public ImageManifest withSubject(Descriptor subject) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, Optional.of(subject), annotations);
  }

  /** This manifest with {@code artifactType}. */
  public ImageManifest withArtifactType(MediaType artifactType) {
    return new ImageManifest(
        schemaVersion, mediaType, Optional.of(artifactType), config, layers, subject, annotations);
  }

  /** This manifest with {@code annotations} instead of its own. */
  public ImageManifest withAnnotations(Map<String, String> annotations) {
    return new ImageManifest(
        schemaVersion, mediaType, artifactType, config, layers, subject, annotations);
  }

  @Override
  public List<Descriptor> references() {
    List<Descriptor> references = new ArrayList<>(layers.size() + 1);
    references.add(config);
    references.addAll(layers);
    return List.copyOf(references);
  }

  @Override
  public Optional<MediaType> effectiveArtifactType() {
    return artifactType.isPresent() ? artifactType : Optional.of(config.mediaType());
  }

  private static InvalidContentException invalid(String message) {
    return new InvalidContentException(ErrorCode.MANIFEST_INVALID, message);
  }
}
