package io.wharf.oci.model;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;

/**
 * A manifest as bytes: exactly what was received is what is stored and served, and its digest is
 * the digest of these bytes. {@link #parse()} gives a read-only view; nothing is ever re-serialised
 * to compute a digest.
 *
 * <p>Constructing one checks that {@code digest} is the digest of {@code bytes}; it does not
 * validate the JSON. {@link ManifestCodec#read} does both.
 *
 * @param mediaType the manifest's media type
 * @param bytes the exact bytes
 * @param digest the digest of {@code bytes}, sha256 unless chosen otherwise
 */
public record RawManifest(MediaType mediaType, Bytes bytes, Digest digest) {

  /** Checks that {@code digest} is the digest of {@code bytes}. */
  public RawManifest {
    Digest actual = Digest.of(digest.requireAlgorithm(), bytes);
    if (!actual.equals(digest)) {
      throw new InvalidContentException(
          ErrorCode.DIGEST_INVALID, "manifest bytes have digest " + actual + ", not " + digest);
    }
  }

  /** A raw manifest of {@code bytes}, with their sha256 digest. Does not validate the JSON. */
  public static RawManifest of(MediaType mediaType, Bytes bytes) {
    return new RawManifest(mediaType, bytes, Digest.sha256(bytes));
  }

  /** The size of the bytes. */
  public long size() {
    return bytes.size();
  }

  /** A descriptor of this manifest. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, bytes.size());
  }

  /**
   * The parsed view, validated as {@link ManifestCodec#defaults()} does.
   *
   * @throws InvalidContentException when the bytes are not a valid manifest of {@link #mediaType}
   */
  public Manifest parse() {
    return ManifestCodec.defaults().parse(this);
  }

  @Override
  public String toString() {
    return "RawManifest[" + mediaType + ", " + digest + ", " + bytes.size() + " bytes]";
  }
}
