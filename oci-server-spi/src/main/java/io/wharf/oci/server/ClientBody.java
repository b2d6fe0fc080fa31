package io.wharf.oci.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body whose read failures are told apart from the storage's: a body that breaks off (the
 * client went away, a proxy cut it, fewer bytes came than {@code Content-Length} said) is a {@link
 * BrokenBody}, a client failure, where an {@link IOException} from the stores is the server's.
 */
final class ClientBody extends FilterInputStream {

  private long read;

  ClientBody(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    try {
      int b = super.read();
      if (b >= 0) {
        read++;
      }
      return b;
    } catch (BrokenBody e) {
      throw e;
    } catch (IOException e) {
      throw new BrokenBody(read, e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      int n = super.read(b, off, len);
      if (n > 0) {
        read += n;
      }
      return n;
    } catch (BrokenBody e) {
      throw e;
    } catch (IOException e) {
      throw new BrokenBody(read, e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      long s = super.skip(n);
      read += Math.max(0, s);
      return s;
    } catch (BrokenBody e) {
      throw e;
    } catch (IOException e) {
      throw new BrokenBody(read, e);
    }
  }

  /** The request body broke off after {@link #bytesRead()} bytes. */
  static final class BrokenBody extends IOException {
    private static final long serialVersionUID = 1L;

    private final long bytesRead;

    BrokenBody(long bytesRead, IOException cause) {
      super("the request body broke off after " + bytesRead + " bytes", cause);
      this.bytesRead = bytesRead;
    }

    long bytesRead() {
      return bytesRead;
    }
  }
}
