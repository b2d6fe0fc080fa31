package io.wharf.oci.model.layout;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Annotations;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.Digests;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.json.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * An OCI image layout (image-spec image-layout.md) opened for reading: a directory, or the same
 * files in a tar archive, with an {@code oci-layout} header, an {@code index.json} and content
 * under {@code blobs/<alg>/<encoded>}. Content is verified as it is read: a blob opened by
 * descriptor fails at its end when size or digest do not match, and manifests are checked before
 * they are returned.
 *
 * <p>Thread-safe for reading; close it to release the archive.
 */
public final class OciLayout implements Closeable {

  /** The layout version this implementation reads and writes. */
  public static final String VERSION = "1.0.0";

  static final int MAX_HEADER_BYTES = 4096;

  private final LayoutSource source;
  private final Bytes layoutHeader;
  private final RawManifest index;
  private final ImageIndex parsedIndex;
  private final ManifestCodec codec;

  private OciLayout(LayoutSource source, ManifestCodec codec) throws IOException {
    this.source = source;
    this.codec = codec;
    try {
      this.layoutHeader = readSmall("oci-layout", MAX_HEADER_BYTES);
      checkHeader(layoutHeader, source.describe());
      Bytes indexBytes = readSmall("index.json", codec.maxBytes());
      this.index = codec.read(indexBytes, MediaType.OCI_IMAGE_INDEX);
      Manifest parsed = codec.parse(index);
      if (!(parsed instanceof ImageIndex imageIndex)) {
        throw new InvalidContentException(
            ErrorCode.MANIFEST_INVALID, source.describe() + ": index.json is not an image index");
      }
      this.parsedIndex = imageIndex;
    } catch (IOException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /**
   * Opens the layout at {@code path}: a directory, or a tar archive when it is a regular file.
   *
   * @throws InvalidContentException when {@code oci-layout} or {@code index.json} is invalid
   * @throws IOException when they cannot be read
   */
  public static OciLayout open(Path path) throws IOException {
    return open(path, ManifestCodec.defaults());
  }

  /** Opens the layout at {@code path}, reading manifests with {@code codec}. */
  public static OciLayout open(Path path, ManifestCodec codec) throws IOException {
    if (Files.isDirectory(path)) {
      return new OciLayout(new DirectorySource(path), codec);
    }
    if (Files.isRegularFile(path)) {
      return new OciLayout(new TarSource(path), codec);
    }
    throw new java.nio.file.NoSuchFileException(path.toString(), null, "no OCI layout there");
  }

  static void checkHeader(Bytes header, String where) {
    JsonNode node = Json.read(header, where + ": oci-layout", ErrorCode.MANIFEST_INVALID);
    JsonNode version = node.get("imageLayoutVersion");
    if (version == null || !version.isTextual()) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID, where + ": oci-layout has no imageLayoutVersion string");
    }
    if (!version.textValue().equals(VERSION)) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID,
          where + ": unsupported imageLayoutVersion " + version.textValue());
    }
  }

  private Bytes readSmall(String path, int max) throws IOException {
    try (InputStream in = source.open(path)) {
      return Bytes.readAtMost(in, max);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID, source.describe() + ": " + path + " is missing");
    } catch (Bytes.TooLargeException e) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID,
          source.describe() + ": " + path + " is larger than " + max + " bytes");
    }
  }

  /** The exact bytes of the {@code oci-layout} file. */
  public Bytes layoutHeader() {
    return layoutHeader;
  }

  /** The exact bytes of {@code index.json}. */
  public RawManifest rawIndex() {
    return index;
  }

  /** {@code index.json}, parsed. */
  public ImageIndex index() {
    return parsedIndex;
  }

  /** The descriptors in {@code index.json}. */
  public List<Descriptor> manifests() {
    return parsedIndex.manifests();
  }

  /**
   * The descriptor in {@code index.json} whose {@code org.opencontainers.image.ref.name} is {@code
   * refName} (a tag, as skopeo's {@code oci:DIR:TAG} names it).
   */
  public Optional<Descriptor> find(String refName) {
    return parsedIndex.manifests().stream()
        .filter(d -> refName.equals(d.annotations().get(Annotations.REF_NAME)))
        .findFirst();
  }

  static String blobPath(Digest digest) {
    return "blobs/" + digest.algorithm() + "/" + digest.encoded();
  }

  /** The size of blob {@code digest}, or empty when the layout does not have it. */
  public OptionalLong blobSize(Digest digest) throws IOException {
    return source.size(blobPath(digest));
  }

  /** Whether the layout has blob {@code digest}. */
  public boolean hasBlob(Digest digest) throws IOException {
    return blobSize(digest).isPresent();
  }

  /** The digests of every blob in the layout, sorted. */
  public Set<Digest> blobs() throws IOException {
    Set<Digest> result = new TreeSet<>();
    for (String path : source.list("blobs/")) {
      String[] parts = path.split("/");
      if (parts.length == 3) {
        try {
          result.add(new Digest(parts[1], parts[2]));
        } catch (InvalidContentException e) {
          // a file that is not named as a blob: not content
        }
      }
    }
    return result;
  }

  /**
   * Opens blob {@code digest} without verifying it. The caller closes the stream.
   *
   * @throws NotFoundException with {@link ErrorCode#BLOB_UNKNOWN} when the layout does not have it
   */
  public InputStream openBlobUnverified(Digest digest) throws IOException {
    if (!hasBlob(digest)) {
      throw new NotFoundException(
          ErrorCode.BLOB_UNKNOWN, source.describe() + " has no blob " + digest);
    }
    return source.open(blobPath(digest));
  }

  /**
   * Opens the blob {@code descriptor} names; the stream fails at its end with {@link
   * ErrorCode#DIGEST_INVALID} or {@link ErrorCode#SIZE_INVALID} when the content does not match.
   * The caller closes the stream.
   */
  public InputStream openBlob(Descriptor descriptor) throws IOException {
    // Checked before the blob is opened: failing after would leave the file open.
    descriptor.digest().requireAlgorithm();
    return Digests.verifying(
        openBlobUnverified(descriptor.digest()), descriptor.digest(), descriptor.size());
  }

  /**
   * Reads and validates the manifest {@code descriptor} names; size, digest and media type must
   * match the descriptor.
   */
  public RawManifest readManifest(Descriptor descriptor) throws IOException {
    if (descriptor.size() > codec.maxBytes()) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID,
          "manifest " + descriptor.digest() + " is larger than " + codec.maxBytes() + " bytes");
    }
    Bytes bytes;
    try (InputStream in = openBlob(descriptor)) {
      bytes = Bytes.readAtMost(in, codec.maxBytes());
    }
    RawManifest raw = codec.read(bytes, descriptor.mediaType());
    return new RawManifest(raw.mediaType(), bytes, descriptor.digest());
  }

  /**
   * Checks the whole layout: every descriptor reachable from {@code index.json} (manifests,
   * indexes, configs, layers) is present with the right size and digest, every manifest is valid,
   * and every file under {@code blobs/} has the digest its name says. Non-distributable layers may
   * be absent. Subjects need not be present.
   */
  public Check verify() throws IOException {
    List<String> problems = new ArrayList<>();
    Set<Digest> reachable = new HashSet<>();
    Deque<Descriptor> todo = new ArrayDeque<>(parsedIndex.manifests());
    while (!todo.isEmpty()) {
      Descriptor d = todo.pop();
      if (!reachable.add(d.digest())) {
        continue;
      }
      OptionalLong size = blobSize(d.digest());
      if (size.isEmpty()) {
        if (d.mediaType().isDistributable()) {
          problems.add("missing blob " + d.digest() + " (" + d.mediaType() + ")");
        }
        continue;
      }
      if (size.getAsLong() != d.size()) {
        problems.add(
            "blob "
                + d.digest()
                + " has "
                + size.getAsLong()
                + " bytes, descriptor says "
                + d.size());
        continue;
      }
      if (d.mediaType().isManifest()) {
        try {
          Manifest m = codec.parse(readManifest(d));
          todo.addAll(m.references());
        } catch (InvalidContentException e) {
          problems.add("manifest " + d.digest() + ": " + e.getMessage());
        }
      }
    }
    int checked = 0;
    for (Digest digest : blobs()) {
      if (digest.algorithmKind().isEmpty()) {
        problems.add("blob " + digest + " uses an algorithm that cannot be verified");
        continue;
      }
      try (InputStream in = Digests.verifying(openBlobUnverified(digest), digest, -1)) {
        in.transferTo(OutputStream.nullOutputStream());
        checked++;
      } catch (InvalidContentException e) {
        problems.add("blob " + digest + ": " + e.getMessage());
      }
    }
    return new Check(checked, reachable.size(), problems);
  }

  /**
   * The result of {@link #verify()}.
   *
   * @param blobsVerified blobs whose digest was recomputed and matched
   * @param descriptorsReachable distinct descriptors reachable from {@code index.json}
   * @param problems what is wrong, for people; empty when the layout is valid
   */
  public record Check(int blobsVerified, int descriptorsReachable, List<String> problems) {
    /** Copies. */
    public Check {
      problems = List.copyOf(problems);
    }

    /** Whether nothing is wrong. */
    public boolean isValid() {
      return problems.isEmpty();
    }
  }

  /**
   * Copies this layout to {@code target} exactly: the same {@code oci-layout} bytes, every blob,
   * and the same {@code index.json} bytes.
   */
  public void copyTo(OciLayoutWriter target) throws IOException {
    target.layoutHeader(layoutHeader);
    for (Digest digest : blobs()) {
      long size = blobSize(digest).orElseThrow();
      try (InputStream in = openBlobUnverified(digest)) {
        target.writeBlob(in, digest, size);
      }
    }
    target.index(index);
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
