package io.wharf.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;

/**
 * One file of the layer {@code wharf create-image} writes: the file {@code source} on this machine,
 * stored at {@code path} in the image.
 *
 * @param source the file to read
 * @param path where it goes in the image: relative to the image's root, {@code /}-separated, never
 *     absolute and never through {@code ..}, as {@link #checkPath} requires
 */
record LayerFile(Path source, String path) {

  /** The longest path taken, as Linux's {@code PATH_MAX} less its NUL. */
  static final int MAX_PATH_BYTES = 4095;

  /** The longest name of a file or folder, as Linux's {@code NAME_MAX}. */
  static final int MAX_NAME_BYTES = 255;

  /** Checks the path. */
  LayerFile {
    checkPath(path);
  }

  /**
   * Parses {@code SRC[:DEST_PATH]}, as {@code --file} takes it: the source ends at the first colon;
   * without a destination path the file goes to the image's root under its own name.
   *
   * @throws IllegalArgumentException with a message for people when the path is not allowed
   */
  static LayerFile parse(String spec) {
    int colon = spec.indexOf(':');
    String source = colon < 0 ? spec : spec.substring(0, colon);
    if (source.isEmpty() || source.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("--file needs SRC[:DEST_PATH], not '" + spec + "'");
    }
    Path src = Path.of(source);
    if (colon >= 0) {
      return new LayerFile(src, spec.substring(colon + 1));
    }
    Path name = src.getFileName();
    if (name == null) {
      throw new IllegalArgumentException("--file " + spec + " names no file");
    }
    return new LayerFile(src, name.toString());
  }

  /**
   * Refuses a path that would not stay inside the image's root, or that Linux would not take:
   * empty, absolute, with an empty, {@code .} or {@code ..} segment, a trailing slash, a control
   * character or a backslash, a name longer than {@value #MAX_NAME_BYTES} bytes, or longer than
   * {@value #MAX_PATH_BYTES} bytes in all.
   *
   * @throws IllegalArgumentException naming the path and the rule
   */
  static void checkPath(String path) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("DEST_PATH is empty");
    }
    if (path.startsWith("/")) {
      throw new IllegalArgumentException(
          "DEST_PATH "
              + Cli.shown(path)
              + " is absolute; give it relative to the image's root ("
              + Cli.shown(path.replaceFirst("^/+", ""))
              + ")");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw new IllegalArgumentException(
            "DEST_PATH " + Cli.shown(path) + " has a control character or backslash");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "DEST_PATH "
                + Cli.shown(path)
                + " has an empty, '.' or '..' segment; name a file below the image's root");
      }
      if (segment.getBytes(UTF_8).length > MAX_NAME_BYTES) {
        throw new IllegalArgumentException(
            "DEST_PATH "
                + Cli.shown(path)
                + " has a name longer than "
                + MAX_NAME_BYTES
                + " bytes");
      }
    }
    if (path.getBytes(UTF_8).length > MAX_PATH_BYTES) {
      throw new IllegalArgumentException(
          "DEST_PATH " + Cli.shown(path) + " is longer than " + MAX_PATH_BYTES + " bytes");
    }
  }
}
