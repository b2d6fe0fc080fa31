package io.wharf.oci.model.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * A layout inside an uncompressed tar archive. The archive is scanned once for the offsets of its
 * regular files; each file is then read in place, without extracting anything.
 */
final class TarSource implements LayoutSource {

  /** Most entries accepted: a bound on what a stranger's archive can make us hold. */
  static final int MAX_ENTRIES = 1_000_000;

  private static final int MAX_PAX_BYTES = 64 * 1024;

  private record Entry(long offset, long size) {}

  private final Path file;
  private final FileChannel channel;
  private final Map<String, Entry> entries = new HashMap<>();

  TarSource(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      scan();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private void scan() throws IOException {
    long position = 0;
    long length = channel.size();
    byte[] header = new byte[Tar.BLOCK];
    Map<String, String> pax = null;
    String longName = null;
    boolean ended = false;
    while (position + Tar.BLOCK <= length) {
      readFully(header, position);
      if (Tar.isZero(header)) {
        ended = true;
        break;
      }
      if (!Tar.checksumOk(header)) {
        throw new IOException(describe() + ": bad tar header checksum at offset " + position);
      }
      long size = Tar.number(header, 124, 12);
      char type = (char) header[156];
      if (pax != null && pax.containsKey("size") && type != 'x' && type != 'g') {
        try {
          size = Long.parseLong(pax.get("size"));
        } catch (NumberFormatException e) {
          throw new IOException(describe() + ": malformed pax size record");
        }
      }
      long data = position + Tar.BLOCK;
      if (size < 0 || data + size > length) {
        throw new IOException(describe() + ": tar entry at offset " + position + " is truncated");
      }
      switch (type) {
        case 'x' -> pax = pax(data, size);
        case 'L' -> longName = longName(data, size);
        case 'g' -> {
          // global pax header: nothing we use
        }
        default -> {
          String paxPath = pax == null ? null : pax.get("path");
          String name = paxPath != null ? paxPath : longName != null ? longName : ustarName(header);
          pax = null;
          longName = null;
          if (type == '0' || type == 0 || type == '7') {
            if (entries.size() >= MAX_ENTRIES) {
              throw new IOException(describe() + ": more than " + MAX_ENTRIES + " entries");
            }
            entries.put(normalize(name), new Entry(data, size));
          }
        }
      }
      position = data + ((size + Tar.BLOCK - 1) / Tar.BLOCK) * Tar.BLOCK;
    }
    // Without an end-of-archive block the archive must end exactly after an entry: a partial
    // header, missing padding or a long-name header without its entry mean it was cut short.
    if (!ended
        && (position > length || pax != null || longName != null || !zeroTail(position, length))) {
      throw new IOException(describe() + ": archive is truncated after offset " + position);
    }
  }

  private boolean zeroTail(long position, long length) throws IOException {
    if (position >= length) {
      return true;
    }
    byte[] tail = new byte[(int) (length - position)];
    readFully(tail, position);
    return Tar.isZero(tail);
  }

  private static String ustarName(byte[] header) {
    String name = Tar.string(header, 0, 100);
    String magic = Tar.string(header, 257, 6);
    if (magic.startsWith("ustar")) {
      String prefix = Tar.string(header, 345, 155);
      if (!prefix.isEmpty() && !magic.equals("ustar ")) {
        name = prefix + "/" + name;
      }
    }
    return name;
  }

  private Map<String, String> pax(long data, long size) throws IOException {
    if (size > MAX_PAX_BYTES) {
      throw new IOException(describe() + ": pax header larger than " + MAX_PAX_BYTES + " bytes");
    }
    byte[] bytes = new byte[(int) size];
    readFully(bytes, data);
    Map<String, String> records = new HashMap<>();
    int i = 0;
    while (i < bytes.length) {
      int space = i;
      while (space < bytes.length && bytes[space] != ' ') {
        space++;
      }
      int recordLength;
      try {
        recordLength = Integer.parseInt(new String(bytes, i, space - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new IOException(describe() + ": malformed pax header");
      }
      if (recordLength <= space - i + 1 || i + recordLength > bytes.length) {
        throw new IOException(describe() + ": malformed pax record");
      }
      String record =
          new String(bytes, space + 1, i + recordLength - space - 2, StandardCharsets.UTF_8);
      int equals = record.indexOf('=');
      if (equals > 0) {
        records.put(record.substring(0, equals), record.substring(equals + 1));
      }
      i += recordLength;
    }
    return records;
  }

  private String longName(long data, long size) throws IOException {
    if (size > MAX_PAX_BYTES) {
      throw new IOException(describe() + ": long name larger than " + MAX_PAX_BYTES + " bytes");
    }
    byte[] bytes = new byte[(int) size];
    readFully(bytes, data);
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static String normalize(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    return n;
  }

  private void readFully(byte[] target, long position) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(target);
    long p = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, p);
      if (n < 0) {
        throw new IOException(describe() + ": unexpected end of archive");
      }
      p += n;
    }
  }

  @Override
  public OptionalLong size(String path) {
    Entry e = entries.get(path);
    return e == null ? OptionalLong.empty() : OptionalLong.of(e.size);
  }

  @Override
  public InputStream open(String path) throws IOException {
    Entry e = entries.get(path);
    if (e == null) {
      throw new NoSuchFileException(path, null, "not in " + describe());
    }
    return new EntryStream(e);
  }

  /** Reads one entry with positional reads, so that several may be open at once. */
  private final class EntryStream extends InputStream {
    private long position;
    private final long end;

    EntryStream(Entry e) {
      this.position = e.offset;
      this.end = e.offset + e.size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position >= end) {
        return -1;
      }
      int want = (int) Math.min(len, end - position);
      int n = channel.read(ByteBuffer.wrap(b, off, want), position);
      if (n < 0) {
        throw new IOException(describe() + ": unexpected end of archive");
      }
      position += n;
      return n;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - position);
    }
  }

  @Override
  public Set<String> list(String prefix) {
    Set<String> result = new TreeSet<>();
    for (String name : entries.keySet()) {
      if (name.startsWith(prefix)) {
        result.add(name);
      }
    }
    return result;
  }

  @Override
  public String describe() {
    return "archive " + file;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
