package io.wharf.oci.client;

import io.wharf.oci.client.internal.HttpResponse;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.Digests;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blob download: a stream that, when the connection breaks, asks again with {@code Range:
 * bytes=N-} from the last byte received (bounded), and checks size and digest while the bytes flow,
 * failing at the end when they do not match.
 */
final class BlobPull {

  private static final Logger log = LoggerFactory.getLogger(BlobPull.class);

  /** Opens the blob's bytes from an offset: a 200 or 206 response positioned there. */
  @FunctionalInterface
  interface Opener {
    /** The body from {@code offset}, or an exception. */
    InputStream open(long offset) throws IOException;
  }

  private BlobPull() {}

  /**
   * The verified, resuming stream of a blob.
   *
   * @param size the expected size, or -1
   */
  static InputStream open(
      Opener opener,
      Digest digest,
      long size,
      int maxResumes,
      Transfer transfer,
      Listeners listeners)
      throws IOException {
    listeners.started(transfer);
    Resuming resuming;
    try {
      resuming = new Resuming(opener, size, maxResumes, opener.open(0), transfer, listeners);
    } catch (IOException | RuntimeException e) {
      listeners.failed(transfer, e);
      throw e;
    }
    return new Reporting(Digests.verifying(resuming, digest, size), resuming, transfer, listeners);
  }

  /** Resumes after broken connections. */
  private static final class Resuming extends InputStream {
    private final Opener opener;
    private final long size;
    private final int maxResumes;
    private final Transfer transfer;
    private final Listeners listeners;
    private InputStream current;
    private long position;
    private int resumes;

    Resuming(
        Opener opener,
        long size,
        int maxResumes,
        InputStream first,
        Transfer transfer,
        Listeners listeners) {
      this.opener = opener;
      this.size = size;
      this.maxResumes = maxResumes;
      this.current = first;
      this.transfer = transfer;
      this.listeners = listeners;
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
      while (true) {
        try {
          int n = current.read(b, off, len);
          if (n > 0) {
            position += n;
            return n;
          }
          if (n < 0 && size >= 0 && position < size) {
            throw new IOException("body ended at byte " + position + " of " + size);
          }
          return n;
        } catch (InterruptedIOException e) {
          if (!(e instanceof java.net.SocketTimeoutException)) {
            throw e;
          }
          resume(e);
        } catch (IOException e) {
          resume(e);
        }
      }
    }

    private void resume(IOException cause) throws IOException {
      if (resumes >= maxResumes) {
        throw cause;
      }
      resumes++;
      log.debug(
          "blob download broke at byte {} ({}), resuming ({} of {})",
          position,
          cause.toString(),
          resumes,
          maxResumes);
      try {
        current.close();
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
      try {
        current = opener.open(position);
      } catch (IOException e) {
        e.addSuppressed(cause);
        throw e;
      }
      listeners.resumed(transfer, position);
    }

    @Override
    public void close() throws IOException {
      current.close();
    }
  }

  /** Reports progress and the end of the transfer. */
  private static final class Reporting extends InputStream {
    private final InputStream in;
    private final Resuming resuming;
    private final Transfer transfer;
    private final Listeners listeners;
    private boolean done;

    Reporting(InputStream in, Resuming resuming, Transfer transfer, Listeners listeners) {
      this.in = in;
      this.resuming = resuming;
      this.transfer = transfer;
      this.listeners = listeners;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          listeners.progressed(transfer, resuming.position);
        } else if (n < 0 && !done) {
          done = true;
          listeners.finished(transfer);
        }
        return n;
      } catch (IOException | InvalidContentException e) {
        if (!done) {
          done = true;
          listeners.failed(transfer, e);
        }
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      if (!done) {
        done = true;
        listeners.failed(transfer, new IOException("closed before the end of the blob"));
      }
      in.close();
    }
  }

  /** The body of {@code r} from {@code offset}: checks a 206's Content-Range, skips for a 200. */
  static InputStream positioned(HttpResponse r, long offset) throws IOException {
    InputStream body = r.body();
    if (offset == 0) {
      return body;
    }
    if (r.status() == 200) {
      // The server ignored the Range: skip what we have.
      try {
        body.skipNBytes(offset);
      } catch (IOException e) {
        body.close();
        throw e;
      }
      return body;
    }
    Optional<long[]> range = r.header("Content-Range").flatMap(BlobPull::contentRange);
    if (range.isEmpty() || range.get()[0] != offset) {
      body.close();
      throw new IOException("206 answer's Content-Range does not start at byte " + offset);
    }
    return body;
  }

  /** {@code bytes START-END/TOTAL} -> [start, end]; empty when malformed. */
  static Optional<long[]> contentRange(String value) {
    String v = value.trim();
    if (!v.startsWith("bytes ") || v.length() > 100) {
      return Optional.empty();
    }
    v = v.substring("bytes ".length()).trim();
    int slash = v.indexOf('/');
    String range = slash < 0 ? v : v.substring(0, slash);
    int dash = range.indexOf('-');
    if (dash <= 0) {
      return Optional.empty();
    }
    try {
      long start = Long.parseLong(range.substring(0, dash));
      long end = Long.parseLong(range.substring(dash + 1));
      return start < 0 || end < start ? Optional.empty() : Optional.of(new long[] {start, end});
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
