package io.wharf.oci.model;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A content descriptor (image-spec descriptor.md): what a piece of content is, its digest and its
 * size. When {@code data} is present it is the content itself, and it must match digest and size.
 *
 * @param mediaType the media type of the referenced content
 * @param digest the digest of the referenced content
 * @param size the size of the referenced content in bytes
 * @param urls where the content may also be downloaded from
 * @param annotations arbitrary metadata, sorted by key
 * @param data the embedded content, if any
 * @param platform the platform of the referenced manifest, in an index
 * @param artifactType the artifact type of the referenced manifest, in an index or referrers list
 */
public record Descriptor(
    MediaType mediaType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    Optional<Bytes> data,
    Optional<Platform> platform,
    Optional<MediaType> artifactType) {

  /** The empty JSON object {@code {}} as a descriptor (image-spec manifest.md, "Guidance"). */
  public static final Descriptor EMPTY_JSON =
      new Descriptor(
          MediaType.OCI_EMPTY_JSON,
          Digest.parse("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"),
          2,
          List.of(),
          Map.of(),
          Optional.of(Bytes.utf8("{}")),
          Optional.empty(),
          Optional.empty());

  /**
   * Validates and copies. Embedded {@code data} is not checked here, since manifests in the wild
   * carry placeholder data; {@link #verifiedData()} checks it before it is used, and {@link
   * #withData} checks what it embeds.
   */
  public Descriptor {
    if (size < 0) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID, "descriptor " + digest + " has a negative size " + size);
    }
    urls = List.copyOf(urls);
    annotations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
  }

  /**
   * Parses a descriptor from JSON.
   *
   * @throws InvalidContentException with {@link ErrorCode#MANIFEST_INVALID} naming the bad field
   */
  public static Descriptor parse(Bytes json) {
    return io.wharf.oci.model.json.ManifestJson.decodeDescriptor(json);
  }

  /** The canonical JSON of this descriptor. */
  public Bytes toJson() {
    return io.wharf.oci.model.json.ManifestJson.encode(this);
  }

  /** A descriptor of the three required fields. */
  public static Descriptor of(MediaType mediaType, Digest digest, long size) {
    return new Descriptor(
        mediaType,
        digest,
        size,
        List.of(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** The descriptor of {@code content}, by its sha256 digest. */
  public static Descriptor of(MediaType mediaType, Bytes content) {
    return of(mediaType, Digest.sha256(content), content.size());
  }

  /** This descriptor with {@code annotations} instead of its own. */
  public Descriptor withAnnotations(Map<String, String> annotations) {
    return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, artifactType);
  }

  /** This descriptor with {@code platform}. */
  public Descriptor withPlatform(Platform platform) {
    return new Descriptor(
        mediaType, digest, size, urls, annotations, data, Optional.of(platform), artifactType);
  }

  /** This descriptor with {@code artifactType}. */
  public Descriptor withArtifactType(MediaType artifactType) {
    return new Descriptor(
        mediaType, digest, size, urls, annotations, data, platform, Optional.of(artifactType));
  }

  /** This descriptor with {@code urls}. */
  public Descriptor withUrls(List<String> urls) {
    return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, artifactType);
  }

  /**
   * This descriptor with the content embedded as {@code data}.
   *
   * @throws InvalidContentException when {@code data} does not match digest and size
   */
  public Descriptor withData(Bytes data) {
    verify(data);
    return new Descriptor(
        mediaType, digest, size, urls, annotations, Optional.of(data), platform, artifactType);
  }

  /**
   * The embedded content, verified against size and digest.
   *
   * @throws InvalidContentException with {@link ErrorCode#SIZE_INVALID} or {@link
   *     ErrorCode#DIGEST_INVALID} when the data does not match, or {@code DIGEST_INVALID} when the
   *     digest's algorithm cannot be verified
   */
  public Optional<Bytes> verifiedData() {
    data.ifPresent(bytes -> verify(bytes));
    return data;
  }

  private void verify(Bytes bytes) {
    if (bytes.size() != size) {
      throw new InvalidContentException(
          ErrorCode.SIZE_INVALID,
          "descriptor " + digest + ": data has " + bytes.size() + " bytes, size says " + size);
    }
    Digest actual = Digest.of(digest.requireAlgorithm(), bytes);
    if (!actual.equals(digest)) {
      throw new InvalidContentException(
          ErrorCode.DIGEST_INVALID, "descriptor " + digest + ": data has digest " + actual);
    }
  }

  /** This descriptor without {@code data}. */
  public Descriptor withoutData() {
    return new Descriptor(
        mediaType, digest, size, urls, annotations, Optional.empty(), platform, artifactType);
  }

  /** The annotation {@code key}, if present. */
  public Optional<String> annotation(String key) {
    return Optional.ofNullable(annotations.get(key));
  }
}
