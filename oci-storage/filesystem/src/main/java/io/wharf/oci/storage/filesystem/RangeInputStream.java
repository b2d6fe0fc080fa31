package io.wharf.oci.storage.filesystem;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * {@code length} bytes of a file from {@code offset}, read with positional reads: nothing before
 * the offset or after the end of the range is read, and skipping moves the position without
 * reading. Closing it closes the channel.
 */
final class RangeInputStream extends InputStream {

  private final FileChannel channel;
  private long position;
  private long remaining;

  RangeInputStream(FileChannel channel, long offset, long length) {
    this.channel = channel;
    this.position = offset;
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (remaining <= 0) {
      return -1;
    }
    ByteBuffer buffer = ByteBuffer.wrap(b, off, (int) Math.min(len, remaining));
    int n;
    do {
      n = channel.read(buffer, position);
    } while (n == 0);
    if (n < 0) {
      throw new EOFException("blob file ended " + remaining + " bytes before the end of the range");
    }
    position += n;
    remaining -= n;
    return n;
  }

  @Override
  public long skip(long n) {
    if (n <= 0) {
      return 0;
    }
    long skipped = Math.min(n, remaining);
    position += skipped;
    remaining -= skipped;
    return skipped;
  }

  @Override
  public int available() {
    return (int) Math.min(remaining, Integer.MAX_VALUE);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
