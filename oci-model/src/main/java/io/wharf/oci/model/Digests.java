package io.wharf.oci.model;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streams that digest bytes as they flow, once. A verifying stream checks size and digest and fails
 * at the end of the stream when either does not match, so tampered content is never taken for good.
 */
public final class Digests {

  private Digests() {}

  /** An input stream that digests what is read through it. Closing it closes {@code in}. */
  public static DigestingInputStream digesting(InputStream in, DigestAlgorithm algorithm) {
    return new DigestingInputStream(in, Digester.of(algorithm));
  }

  /** An output stream that digests what is written through it. Closing it closes {@code out}. */
  public static DigestingOutputStream digesting(OutputStream out, DigestAlgorithm algorithm) {
    return new DigestingOutputStream(out, Digester.of(algorithm));
  }

  /**
   * An input stream that yields the bytes of {@code in} and, at its end, checks that they were
   * exactly {@code expectedSize} bytes with digest {@code expected}. It fails with {@link
   * InvalidContentException} ({@link ErrorCode#SIZE_INVALID} as soon as more bytes arrive than
   * expected or fewer at the end, {@link ErrorCode#DIGEST_INVALID} at the end on a digest
   * mismatch). Closing it closes {@code in}.
   *
   * @param expectedSize the expected size, or -1 when unknown
   */
  public static InputStream verifying(InputStream in, Digest expected, long expectedSize) {
    return new VerifyingInputStream(in, expected, expectedSize);
  }

  /**
   * An input stream that digests the bytes read through it. Skipped bytes are read, so they are
   * digested too; mark and reset are not supported.
   */
  public static final class DigestingInputStream extends InputStream {
    private final InputStream in;
    private final Digester digester;

    DigestingInputStream(InputStream in, Digester digester) {
      this.in = in;
      this.digester = digester;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        digester.update(buffer, offset, n);
      }
      return n;
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }

    /** The number of bytes read so far. */
    public long size() {
      return digester.size();
    }

    /** The digest of the bytes read so far; call once, at the end. */
    public Digest digest() {
      return digester.digest();
    }
  }

  /** An output stream that digests the bytes written through it. */
  public static final class DigestingOutputStream extends FilterOutputStream {
    private final Digester digester;

    DigestingOutputStream(OutputStream out, Digester digester) {
      super(out);
      this.digester = digester;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digester.update(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      out.write(buffer, offset, length);
      digester.update(buffer, offset, length);
    }

    /** The number of bytes written so far. */
    public long size() {
      return digester.size();
    }

    /** The digest of the bytes written so far; call once, at the end. */
    public Digest digest() {
      return digester.digest();
    }
  }

  private static final class VerifyingInputStream extends InputStream {
    private final DigestingInputStream in;
    private final Digest expected;
    private final long expectedSize;
    private boolean verified;

    VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
      this.in = digesting(in, expected.requireAlgorithm());
      this.expected = expected;
      this.expectedSize = expectedSize;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      int n = in.read(buffer, offset, length);
      if (n < 0) {
        verify();
        return -1;
      }
      if (expectedSize >= 0 && in.size() > expectedSize) {
        throw new InvalidContentException(
            ErrorCode.SIZE_INVALID,
            "content of " + expected + " is longer than the expected " + expectedSize + " bytes");
      }
      return n;
    }

    private void verify() {
      if (verified) {
        return;
      }
      verified = true;
      long size = in.size();
      if (expectedSize >= 0 && size != expectedSize) {
        throw new InvalidContentException(
            ErrorCode.SIZE_INVALID,
            "content of " + expected + " has " + size + " bytes, expected " + expectedSize);
      }
      Digest actual = in.digest();
      if (!actual.equals(expected)) {
        throw new InvalidContentException(
            ErrorCode.DIGEST_INVALID, "content has digest " + actual + ", expected " + expected);
      }
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
