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

  /**
   * Whether the bytes come from one stream that is best read once from start to end (a download
   * being copied): a chunked upload then sends them as one PATCH body rather than in {@link
   * RegistryClient.Builder#chunkBytes(long)} chunks, so that the stream is not cut into requests;
   * after a failure it still resumes from where the registry says the upload stands, and a registry
   * that refuses so large a body (413) gets chunks. False by default.
   */
  default boolean streamed() {
    return false;
  }

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
