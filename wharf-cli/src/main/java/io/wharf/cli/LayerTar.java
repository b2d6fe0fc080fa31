package io.wharf.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tar of the layer {@code wharf create-image} writes, made so that the same files give the same
 * bytes: entries sorted by path, each parent folder as an entry of its own before its content,
 * every time 0 (1970-01-01), owner and group 0 without names, mode 0755 for folders and executable
 * files and 0644 for the others. POSIX ustar headers; a path longer than 100 bytes goes partly into
 * the 155-byte prefix field, or where it cannot be cut so, into a pax extended header before the
 * entry (as GNU tar and the OCI layout writer do).
 */
final class LayerTar {

  static final int BLOCK = 512;

  /** The largest file a ustar header's 11 octal digits hold: 8 GiB - 1. */
  static final long MAX_FILE_BYTES = 077777777777L;

  private LayerTar() {}

  /**
   * Writes the tar of {@code files} to {@code out}, ending with the two zero blocks; does not close
   * {@code out}.
   *
   * @throws IllegalArgumentException when two files have the same path, or one's path is another's
   *     folder
   * @throws IOException when a file cannot be read, or changed size while it was read
   */
  static void write(List<LayerFile> files, OutputStream out) throws IOException {
    for (Map.Entry<String, Optional<LayerFile>> e : entries(files).entrySet()) {
      if (e.getValue().isEmpty()) {
        writeHeader(out, e.getKey(), 0, 0755, '5');
        continue;
      }
      Path source = e.getValue().get().source();
      long size = Files.size(source);
      if (size > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(source + " is larger than a tar entry holds (8 GiB)");
      }
      writeHeader(out, e.getKey(), size, mode(source), '0');
      try (InputStream in = Files.newInputStream(source)) {
        long copied = in.transferTo(out);
        if (copied != size) {
          throw new IOException(
              source + " changed while it was read: " + copied + " bytes, not " + size);
        }
      }
      pad(out, size);
    }
    out.write(new byte[2 * BLOCK]);
  }

  /**
   * 0755 when any execute bit of {@code source} is set, else 0644: the same whoever runs the
   * command (not whether this user may execute it).
   */
  private static int mode(Path source) throws IOException {
    Set<PosixFilePermission> p;
    try {
      p = Files.getPosixFilePermissions(source);
    } catch (UnsupportedOperationException notPosix) {
      return Files.isExecutable(source) ? 0755 : 0644;
    }
    boolean executable =
        p.contains(PosixFilePermission.OWNER_EXECUTE)
            || p.contains(PosixFilePermission.GROUP_EXECUTE)
            || p.contains(PosixFilePermission.OTHERS_EXECUTE);
    return executable ? 0755 : 0644;
  }

  /**
   * Every entry of the tar by its name, sorted (a folder's name ends with a slash, and comes before
   * its content): the files, and their parent folders (empty).
   */
  static TreeMap<String, Optional<LayerFile>> entries(List<LayerFile> files) {
    TreeMap<String, Optional<LayerFile>> entries = new TreeMap<>();
    for (LayerFile f : files) {
      if (entries.put(f.path(), Optional.of(f)) != null) {
        throw new IllegalArgumentException("two files go to " + Cli.shown(f.path()));
      }
      for (int slash = f.path().indexOf('/'); slash > 0; slash = f.path().indexOf('/', slash + 1)) {
        entries.put(f.path().substring(0, slash + 1), Optional.empty());
      }
    }
    for (String name : entries.keySet()) {
      if (name.endsWith("/") && entries.containsKey(name.substring(0, name.length() - 1))) {
        throw new IllegalArgumentException(
            Cli.shown(name.substring(0, name.length() - 1)) + " is both a file and a folder");
      }
    }
    return entries;
  }

  /**
   * Writes the header of entry {@code name}: one ustar header where the name fits it, else a pax
   * extended header with the {@code path} first, then a ustar header with the name's end.
   */
  static void writeHeader(OutputStream out, String name, long size, int mode, char type)
      throws IOException {
    byte[] path = name.getBytes(UTF_8);
    if (path.length <= 100 || split(path) > 0) {
      out.write(header(name, size, mode, type));
      return;
    }
    byte[] pax = paxRecord("path", name).getBytes(UTF_8);
    out.write(header("PaxHeader", pax.length, 0644, 'x'));
    out.write(pax);
    pad(out, pax.length);
    String end = name;
    while (end.getBytes(UTF_8).length > 100) {
      end = end.substring(1);
    }
    out.write(header(end, size, mode, type));
  }

  /** One pax record, {@code "%d %s=%s\n"}, whose length counts its own digits. */
  static String paxRecord(String key, String value) {
    int rest = (" " + key + "=" + value + "\n").getBytes(UTF_8).length;
    int total = rest + String.valueOf(rest).length();
    if (String.valueOf(total).length() > String.valueOf(rest).length()) {
      total++;
    }
    return total + " " + key + "=" + value + "\n";
  }

  /**
   * A ustar header for {@code name} of type {@code type} ('0' file, '5' folder, 'x' pax).
   *
   * @throws IllegalArgumentException when the name fits neither the name field nor prefix and name
   */
  static byte[] header(String name, long size, int mode, char type) {
    byte[] h = new byte[BLOCK];
    byte[] path = name.getBytes(UTF_8);
    if (path.length <= 100) {
      System.arraycopy(path, 0, h, 0, path.length);
    } else {
      int split = split(path);
      if (split < 0) {
        throw new IllegalArgumentException(
            "path " + Cli.shown(name) + " does not fit a ustar header");
      }
      System.arraycopy(path, split + 1, h, 0, path.length - split - 1);
      System.arraycopy(path, 0, h, 345, split);
    }
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0); // uid
    octal(h, 116, 8, 0); // gid
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0); // mtime
    h[156] = (byte) type;
    System.arraycopy("ustar\0".getBytes(US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    return h;
  }

  /**
   * Where a path longer than 100 bytes is cut into prefix (up to 155 bytes) and name (up to 100):
   * at the first slash that leaves a name short enough, and not at a folder's trailing slash; -1
   * when there is none.
   */
  private static int split(byte[] path) {
    for (int i = Math.max(1, path.length - 101); i <= 155 && i < path.length - 1; i++) {
      if (path[i] == '/') {
        return i;
      }
    }
    return -1;
  }

  /** {@code value} as zero-padded octal digits and a NUL in {@code length} bytes. */
  private static void octal(byte[] h, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(length - 1 - digits.length()) + digits;
    System.arraycopy(padded.getBytes(US_ASCII), 0, h, offset, length - 1);
    h[offset + length - 1] = 0;
  }

  private static void pad(OutputStream out, long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }
}
