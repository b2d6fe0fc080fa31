package io.wharf.oci.model;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Computes a digest incrementally while bytes flow past, so that no blob is ever buffered to be
 * hashed. Not thread-safe: one digester per stream.
 */
public final class Digester {

  private final DigestAlgorithm algorithm;
  private final MessageDigest md;
  private long size;

  private Digester(DigestAlgorithm algorithm, MessageDigest md) {
    this.algorithm = algorithm;
    this.md = md;
  }

  /** A digester for {@code algorithm}. */
  public static Digester of(DigestAlgorithm algorithm) {
    return new Digester(algorithm, algorithm.newMessageDigest());
  }

  /** The algorithm. */
  public DigestAlgorithm algorithm() {
    return algorithm;
  }

  /** Adds {@code length} bytes of {@code bytes} from {@code offset}. */
  public void update(byte[] bytes, int offset, int length) {
    md.update(bytes, offset, length);
    size += length;
  }

  /** Adds the remaining bytes of {@code buffer}, consuming them. */
  public void update(ByteBuffer buffer) {
    size += buffer.remaining();
    md.update(buffer);
  }

  /** The number of bytes added so far. */
  public long size() {
    return size;
  }

  /**
   * A copy of this digester's state, so that a digest of the bytes so far can be taken while the
   * stream goes on (resumable uploads save it).
   */
  public Digester copy() {
    try {
      Digester copy = new Digester(algorithm, (MessageDigest) md.clone());
      copy.size = size;
      return copy;
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's " + algorithm + " digests are cloneable", e);
    }
  }

  /** The digest of every byte added. Resets this digester. */
  public Digest digest() {
    size = 0;
    return Digest.of(algorithm, md.digest());
  }
}
