package io.wharf.oci.server;

import io.wharf.oci.model.Bytes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/** A response body that writes itself; blobs stream from storage and are never buffered. */
public interface ResponseBody {

  /** The body's length in bytes. */
  long contentLength();

  /** Writes the body to {@code out}, which stays open. */
  void writeTo(OutputStream out) throws IOException;

  /**
   * Writes the body to {@code channel}, which stays open. Bodies backed by files override it so
   * that the transport can send them without copying through the heap.
   */
  default void transferTo(WritableByteChannel channel) throws IOException {
    writeTo(Channels.newOutputStream(channel));
  }

  /** A body of {@code bytes}. */
  static ResponseBody of(Bytes bytes) {
    return new ResponseBody() {
      @Override
      public long contentLength() {
        return bytes.size();
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        bytes.writeTo(out);
      }

      @Override
      public void transferTo(WritableByteChannel channel) throws IOException {
        ByteBuffer buffer = bytes.asReadOnlyBuffer();
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    };
  }
}
