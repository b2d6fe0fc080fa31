package io.wharf.oci.model;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.json.ManifestJson;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads, validates and writes manifests. Reading keeps the bytes exactly as received and detects
 * the media type from the {@code mediaType} field when none is declared; a declared type that
 * disagrees with the field is an error. Writing produces canonical bytes: compact JSON with the
 * fields in the order of the Go structs of image-spec and sorted annotation keys, as Go tools write
 * them.
 *
 * <p>Immutable and thread-safe. Manifests larger than {@link #maxBytes()} (4 MiB by default, as in
 * CNCF distribution) are refused before they are parsed, with HTTP status 413.
 */
public final class ManifestCodec {

  /** The default size limit of a manifest, 4 MiB. */
  public static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

  private static final ManifestCodec DEFAULTS = new ManifestCodec(DEFAULT_MAX_BYTES);

  private final int maxBytes;

  private ManifestCodec(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A codec with the default size limit. */
  public static ManifestCodec defaults() {
    return DEFAULTS;
  }

  /** A codec that refuses manifests larger than {@code maxBytes}. */
  public ManifestCodec withMaxBytes(int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    return new ManifestCodec(maxBytes);
  }

  /** The size limit in bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /**
   * Validates {@code bytes} as a manifest whose media type is taken from its {@code mediaType}
   * field, or detected from its shape when it has none ({@code manifests} makes an OCI index,
   * {@code config} an OCI image manifest).
   *
   * @throws InvalidContentException with {@link ErrorCode#MANIFEST_INVALID} (or the code of the bad
   *     field, such as {@link ErrorCode#DIGEST_INVALID}) naming what is wrong
   */
  public RawManifest read(Bytes bytes) {
    checkSize(bytes.size());
    ManifestJson.Decoded decoded = ManifestJson.decode(bytes, null);
    return RawManifest.of(decoded.manifest().mediaType(), bytes);
  }

  /**
   * Validates {@code bytes} as a manifest of the declared media type (from {@code Content-Type}). A
   * generic declared type ({@code application/json}, {@code application/octet-stream}) counts as
   * none.
   *
   * @throws InvalidContentException when the bytes are invalid or their {@code mediaType} field
   *     disagrees with {@code declared}
   */
  public RawManifest read(Bytes bytes, MediaType declared) {
    checkSize(bytes.size());
    ManifestJson.Decoded decoded = ManifestJson.decode(bytes, declared);
    return RawManifest.of(decoded.manifest().mediaType(), bytes);
  }

  /**
   * Reads at most {@link #maxBytes()} from {@code in} and validates them as {@link #read(Bytes)}
   * does. The caller closes {@code in}.
   */
  public RawManifest read(InputStream in) throws IOException {
    return read(readBounded(in));
  }

  /**
   * Reads at most {@link #maxBytes()} from {@code in} and validates them against {@code declared}.
   */
  public RawManifest read(InputStream in, MediaType declared) throws IOException {
    return read(readBounded(in), declared);
  }

  /**
   * The parsed view of {@code manifest}.
   *
   * @throws InvalidContentException when its bytes are not a valid manifest of its media type
   */
  public Manifest parse(RawManifest manifest) {
    checkSize(manifest.bytes().size());
    return ManifestJson.decode(manifest.bytes(), manifest.mediaType()).manifest();
  }

  /** Canonical bytes for {@code manifest}, with their sha256 digest. */
  public RawManifest encode(Manifest manifest) {
    Bytes bytes = ManifestJson.encode(manifest);
    checkSize(bytes.size());
    return RawManifest.of(manifest.mediaType(), bytes);
  }

  private Bytes readBounded(InputStream in) throws IOException {
    try {
      return Bytes.readAtMost(in, maxBytes);
    } catch (Bytes.TooLargeException e) {
      throw tooLarge();
    }
  }

  private void checkSize(long size) {
    if (size > maxBytes) {
      throw tooLarge();
    }
  }

  private InvalidContentException tooLarge() {
    return new InvalidContentException(
        ErrorCode.MANIFEST_INVALID,
        "manifest is larger than the limit of " + maxBytes + " bytes",
        null,
        413,
        null);
  }
}
