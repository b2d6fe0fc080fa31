package io.wharf.oci.client;

import io.wharf.oci.model.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of a blob to upload: a known length, readable from any offset, so that an upload can
 * resume where the registry says it stands and memory never grows with the blob's size.
 */
public interface BlobSource {

  /** The blob's size in bytes. */
  long size();

  /**
   * A stream of the bytes from {@code offset} to the end. The caller closes it.
   *
   * @param offset from 0 to {@link #size()}
   */
  InputStream open(long offset) throws IOException;

  /** A blob in a file; the file must not change while it is uploaded. */
  static BlobSource of(Path file) throws IOException {
    long size;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      size = ch.size();
    }
    return new BlobSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public InputStream open(long offset) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(offset);
        return Channels.newInputStream(ch);
      }

      @Override
      public String toString() {
        return "BlobSource[" + file + ", " + size + " bytes]";
      }
    };
  }

  /** A blob in memory (a config, a small artifact). */
  static BlobSource of(Bytes bytes) {
    return new BlobSource() {
      @Override
      public long size() {
        return bytes.size();
      }

      @Override
      public InputStream open(long offset) throws IOException {
        InputStream in = bytes.openStream();
        in.skipNBytes(offset);
        return in;
      }

      @Override
      public String toString() {
        return "BlobSource[" + bytes.size() + " bytes in memory]";
      }
    };
  }
}
