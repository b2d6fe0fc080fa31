package io.wharf.oci.client.copy;

import io.wharf.oci.client.BlobSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlobSource} over one verified stream that is read once from start to end: an upload's
 * chunks ask for consecutive offsets, and each gets a view of the same stream, so the source is
 * read (and its digest checked) in one pass. An offset other than the next one (an upload resumed
 * from an earlier byte) opens the blob again and skips to it, so every byte sent has still gone
 * through the verifying stream. Used by one upload at a time; {@link #close()} closes the stream.
 */
final class SequentialBlobSource implements BlobSource, AutoCloseable {

  private final long size;
  private final BlobOpener opener;
  private @Nullable InputStream current;
  private long position;

  SequentialBlobSource(long size, BlobOpener opener) {
    this.size = size;
    this.opener = opener;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public boolean streamed() {
    return true;
  }

  @Override
  public synchronized InputStream open(long offset) throws IOException {
    if (offset < 0 || offset > size) {
      throw new IllegalArgumentException("offset " + offset + " is outside the blob");
    }
    if (current == null || position != offset) {
      close();
      InputStream in = opener.open();
      current = in;
      position = 0;
      in.skipNBytes(offset);
      position = offset;
    }
    return new View(current);
  }

  @Override
  public synchronized void close() throws IOException {
    InputStream in = current;
    current = null;
    if (in != null) {
      in.close();
    }
  }

  /** The shared stream from the current position; closing the view leaves it open. */
  private final class View extends FilterInputStream {
    View(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        position += n;
        if (position == size && in.read() >= 0) {
          // An upload reads exactly size bytes; reading to the end makes the verifying stream
          // check the digest before the last bytes go out, so a mismatch fails the upload.
          throw new IOException("blob source has more than " + size + " bytes");
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return skipNBytesCounted(n);
    }

    private long skipNBytesCounted(long n) throws IOException {
      byte[] buffer = new byte[(int) Math.min(n, 8192)];
      long done = 0;
      while (done < n) {
        int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public void close() {}
  }
}
