package io.wharf.oci.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable sequence of bytes that compares by content. Used for small content that is buffered
 * on purpose (manifests, configs, descriptor {@code data}); blobs are never held in memory.
 */
public final class Bytes {

  private static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] bytes;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A copy of {@code bytes}: later changes to the array do not show. */
  public static Bytes of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** A copy of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static Bytes of(byte[] bytes, int offset, int length) {
    return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /** The UTF-8 encoding of {@code text}. */
  public static Bytes utf8(String text) {
    return new Bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** No bytes. */
  public static Bytes empty() {
    return EMPTY;
  }

  /**
   * Reads {@code in} to its end, refusing more than {@code maxBytes}. The caller closes {@code in}.
   *
   * @throws TooLargeException if the stream holds more than {@code maxBytes} bytes
   */
  public static Bytes readAtMost(InputStream in, int maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
    }
    byte[] read = in.readNBytes(maxBytes);
    if (read.length == maxBytes && in.read() != -1) {
      throw new TooLargeException(maxBytes);
    }
    return read.length == 0 ? EMPTY : new Bytes(read);
  }

  /** Thrown by {@link #readAtMost} when the content is larger than allowed. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long limit;

    TooLargeException(long limit) {
      super("content is larger than the limit of " + limit + " bytes");
      this.limit = limit;
    }

    /** The limit that was exceeded, in bytes. */
    public long limit() {
      return limit;
    }
  }

  /** The number of bytes. */
  public int size() {
    return bytes.length;
  }

  /** Whether there are no bytes. */
  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /** The byte at {@code index}. */
  public byte get(int index) {
    return bytes[index];
  }

  /** A fresh copy of the bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** A read-only view, without copying. */
  public ByteBuffer asReadOnlyBuffer() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** A stream over the bytes, without copying. Closing it is optional. */
  public InputStream openStream() {
    return new ByteArrayInputStream(bytes);
  }

  /** Writes the bytes to {@code out}, without copying. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(bytes);
  }

  /** The bytes decoded as UTF-8 (malformed input is replaced). */
  public String utf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Bytes[" + bytes.length + "]";
  }
}
