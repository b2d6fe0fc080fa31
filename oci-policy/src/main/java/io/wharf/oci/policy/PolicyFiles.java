package io.wharf.oci.policy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.policy.internal.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The files a policy names (public keys, certificates, trusted roots, trust policies): relative
 * paths resolve against the policy's folder, when it has one; each file is read whole, at most 1
 * MiB, and only when it is a regular file (never a FIFO or a device that could block).
 */
final class PolicyFiles {

  /** The largest file read. */
  static final int MAX_BYTES = Limits.MAX_CHARS;

  /** A file that cannot be used, and why (one line, naming the file as the policy wrote it). */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  private final Optional<Path> base;

  /** Files relative to {@code base}; without one, relative paths are refused. */
  PolicyFiles(Optional<Path> base) {
    this.base = base;
  }

  /**
   * The bytes of {@code name}.
   *
   * @throws Unreadable when it cannot be resolved or read, is not a regular file, or is too large
   */
  byte[] read(String name) throws Unreadable {
    Path path;
    try {
      path = Path.of(name);
    } catch (InvalidPathException e) {
      throw new Unreadable("'" + clip(name) + "' is not a file path");
    }
    if (!path.isAbsolute()) {
      if (base.isEmpty()) {
        throw new Unreadable(
            "'"
                + clip(name)
                + "' is a relative path, and this document has no folder to resolve it against:"
                + " load it from a file, give its folder, or use an absolute path");
      }
      path = base.get().resolve(path);
    }
    if (!Files.isRegularFile(path)) {
      throw new Unreadable(
          Files.exists(path)
              ? "'" + clip(name) + "' is not a regular file"
              : "'" + clip(name) + "' does not exist (" + clip(path.toString()) + ")");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new Unreadable("'" + clip(name) + "' does not exist (" + clip(path.toString()) + ")");
    } catch (IOException e) {
      throw new Unreadable("'" + clip(name) + "' cannot be read: " + e.getClass().getSimpleName());
    }
    if (bytes.length > MAX_BYTES) {
      throw new Unreadable("'" + clip(name) + "' is larger than " + MAX_BYTES + " bytes");
    }
    return bytes;
  }

  /** The file name of {@code name} (its last path element), or {@code name} itself. */
  static String fileName(String name) {
    try {
      Path file = Path.of(name).getFileName();
      return file == null ? name : file.toString();
    } catch (InvalidPathException e) {
      return name;
    }
  }

  /** {@code sha256:<hex>} of {@code bytes}: how a policy's content names trust material. */
  static String sha256(byte[] bytes) {
    return Digest.sha256(Bytes.of(bytes)).toString();
  }

  static String clip(String text) {
    return PullJudge.Text.clip(text, 200);
  }
}
