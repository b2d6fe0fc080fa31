package io.wharf.oci.model.layout;

import io.wharf.oci.model.Annotations;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.Digests;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.Tag;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Writes an OCI image layout to a directory or as a tar archive. Blobs are verified while they are
 * written (size and digest) and, in a directory, become visible only once verified, by an atomic
 * rename. {@code oci-layout} and {@code index.json} are written by {@link #close()}: either the raw
 * index given to {@link #index(RawManifest)}, or one built from the descriptors given to {@link
 * #add}.
 *
 * <p>Not thread-safe, except that several threads may {@link #writeBlob(InputStream, Descriptor)
 * write blobs} into a directory at once (each goes through its own temporary file). Adding to an
 * existing directory layout keeps its blobs and, unless {@link #index(RawManifest)} is called, the
 * entries of its {@code index.json}.
 */
public final class OciLayoutWriter implements Closeable {

  private static final Bytes DEFAULT_HEADER = Bytes.utf8("{\"imageLayoutVersion\":\"1.0.0\"}");

  private final @Nullable Path directory;
  private final @Nullable OutputStream archive;
  private final Set<Digest> written = ConcurrentHashMap.newKeySet();
  private final List<Descriptor> entries = new ArrayList<>();
  private Bytes header = DEFAULT_HEADER;
  private @Nullable RawManifest rawIndex;
  private volatile boolean closed;
  private volatile @Nullable Digest failedBlob;

  private OciLayoutWriter(@Nullable Path directory, @Nullable OutputStream archive) {
    this.directory = directory;
    this.archive = archive;
  }

  /**
   * A writer into {@code directory}, created when missing. The entries of an existing {@code
   * index.json} there are kept.
   */
  public static OciLayoutWriter toDirectory(Path directory) throws IOException {
    Files.createDirectories(directory);
    OciLayoutWriter writer = new OciLayoutWriter(directory, null);
    if (Files.exists(directory.resolve("index.json"))) {
      try (OciLayout existing = OciLayout.open(directory)) {
        writer.entries.addAll(existing.manifests());
        writer.header = existing.layoutHeader();
      }
    }
    return writer;
  }

  /** A writer of a tar archive to {@code out}. Closing the writer closes {@code out}. */
  public static OciLayoutWriter toArchive(OutputStream out) {
    return new OciLayoutWriter(null, new BufferedOutputStream(out, 64 * 1024));
  }

  /** A writer of a tar archive to {@code file}, replaced if it exists. */
  public static OciLayoutWriter toArchive(Path file) throws IOException {
    return toArchive(Files.newOutputStream(file));
  }

  /** Writes {@code header} as the {@code oci-layout} file instead of the default. */
  public OciLayoutWriter layoutHeader(Bytes header) {
    OciLayout.checkHeader(header, "oci-layout");
    this.header = header;
    return this;
  }

  /**
   * Writes the blob of {@code size} bytes with digest {@code expected} from {@code in}, verified
   * while it streams. A blob already written is skipped ({@code in} is not read). The caller closes
   * {@code in}.
   *
   * @throws InvalidContentException when the bytes do not match; nothing is kept in a directory. An
   *     archive cannot take back what it has streamed: the writer is then unusable, and {@link
   *     #close()} ends the archive without {@code index.json}, so that it is no layout.
   */
  public Descriptor writeBlob(InputStream in, Digest expected, long size) throws IOException {
    return writeBlob(in, Descriptor.of(MediaType.OCTET_STREAM, expected, size));
  }

  /** Writes the blob {@code descriptor} names from {@code in}; returns the descriptor. */
  public Descriptor writeBlob(InputStream in, Descriptor descriptor) throws IOException {
    descriptor.digest().requireAlgorithm();
    return write(in, descriptor, false);
  }

  /**
   * Writes the blob {@code descriptor} names from {@code verifying}, a stream that already checks
   * size and digest against {@code descriptor} while it is read from its first byte, and fails
   * before it reports its end when they do not match, as {@link Digests#verifying} and {@code
   * RegistryClient.openBlob} do. The writer then does not hash the bytes a second time; it still
   * reads the stream to its end and checks the byte count before the blob becomes visible, so the
   * stream's verdict decides. Behaves as {@link #writeBlob(InputStream, Descriptor)} otherwise.
   */
  public Descriptor writeVerifiedBlob(InputStream verifying, Descriptor descriptor)
      throws IOException {
    descriptor.digest().requireAlgorithm();
    return write(verifying, descriptor, true);
  }

  /** Copy buffer: large enough that a blob is written in few system calls. */
  private static final int BUFFER = 128 * 1024;

  private Descriptor write(InputStream in, Descriptor descriptor, boolean alreadyVerifying)
      throws IOException {
    checkOpen();
    Digest digest = descriptor.digest();
    if (written.contains(digest)) {
      return descriptor;
    }
    String path = OciLayout.blobPath(digest);
    InputStream verified = alreadyVerifying ? in : Digests.verifying(in, digest, descriptor.size());
    if (directory != null) {
      Path target = directory.resolve(path);
      if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
          && Files.size(target) == descriptor.size()) {
        written.add(digest);
        return descriptor;
      }
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
      try {
        long copied;
        try (OutputStream out = Files.newOutputStream(temp)) {
          copied = copy(verified, out);
        }
        checkCopied(copied, descriptor);
        moveAtomically(temp, target);
      } finally {
        Files.deleteIfExists(temp);
      }
    } else {
      OutputStream out = archive();
      failedBlob = digest; // until the entry is complete
      Tar.writeFileHeader(out, path, descriptor.size());
      long copied = copy(verified, out);
      checkCopied(copied, descriptor);
      Tar.pad(out, descriptor.size());
      failedBlob = null;
    }
    written.add(digest);
    return descriptor;
  }

  /** Copies {@code in} to its end into {@code out}; returns the byte count. */
  private static long copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[BUFFER];
    long copied = 0;
    int n;
    while ((n = in.read(buffer, 0, BUFFER)) >= 0) {
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  private static void checkCopied(long copied, Descriptor descriptor) {
    if (copied != descriptor.size()) {
      throw new InvalidContentException(
          ErrorCode.SIZE_INVALID,
          "content of "
              + descriptor.digest()
              + " has "
              + copied
              + " bytes, expected "
              + descriptor.size());
    }
  }

  /** Writes {@code content} as a blob of {@code mediaType}; returns its descriptor. */
  public Descriptor writeBlob(MediaType mediaType, Bytes content) throws IOException {
    return writeBlob(content.openStream(), Descriptor.of(mediaType, content));
  }

  /** Writes a manifest as a blob; returns its descriptor. */
  public Descriptor writeManifest(RawManifest manifest) throws IOException {
    return writeBlob(manifest.bytes().openStream(), manifest.descriptor());
  }

  /**
   * Adds {@code descriptor} to {@code index.json}, tagged {@code tag} through {@code
   * org.opencontainers.image.ref.name}; an entry with the same tag is replaced.
   */
  public OciLayoutWriter add(Descriptor descriptor, Tag tag) {
    checkOpen();
    entries.removeIf(d -> tag.value().equals(d.annotations().get(Annotations.REF_NAME)));
    Map<String, String> annotations = new HashMap<>(descriptor.annotations());
    annotations.put(Annotations.REF_NAME, tag.value());
    entries.add(descriptor.withAnnotations(annotations));
    return this;
  }

  /** Adds {@code descriptor} to {@code index.json} without a tag. */
  public OciLayoutWriter add(Descriptor descriptor) {
    checkOpen();
    entries.add(descriptor);
    return this;
  }

  /** Writes exactly {@code index} as {@code index.json}, instead of building one. */
  public OciLayoutWriter index(RawManifest index) {
    checkOpen();
    if (!index.mediaType().is(MediaType.OCI_IMAGE_INDEX)) {
      throw new InvalidContentException(
          ErrorCode.MANIFEST_INVALID, "index.json must be an OCI image index, not " + index);
    }
    this.rawIndex = index;
    return this;
  }

  /** Writes {@code oci-layout} and {@code index.json}, and closes the archive. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    Bytes indexBytes =
        rawIndex != null
            ? rawIndex.bytes()
            : ManifestCodec.defaults().encode(ImageIndex.of(entries)).bytes();
    if (directory != null) {
      writeFileAtomically(directory.resolve("oci-layout"), header);
      writeFileAtomically(directory.resolve("index.json"), indexBytes);
    } else {
      OutputStream out = archive();
      try (out) {
        if (failedBlob != null) {
          return; // an incomplete entry: leave the archive without a layout in it
        }
        writeEntry(out, "oci-layout", header);
        writeEntry(out, "index.json", indexBytes);
        out.write(new byte[2 * Tar.BLOCK]);
      }
    }
  }

  private static void writeEntry(OutputStream out, String name, Bytes content) throws IOException {
    Tar.writeFileHeader(out, name, content.size());
    content.writeTo(out);
    Tar.pad(out, content.size());
  }

  private static void writeFileAtomically(Path target, Bytes content) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), ".write-", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        content.writeTo(out);
      }
      moveAtomically(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private OutputStream archive() {
    if (archive == null) {
      throw new IllegalStateException("not an archive writer");
    }
    return archive;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("layout writer is closed");
    }
    if (failedBlob != null) {
      throw new IllegalStateException(
          "the archive is incomplete: writing blob " + failedBlob + " failed");
    }
  }
}
