package io.wharf.benchmarks;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * A large blob produced from one reusable 1 MiB buffer, so that gigabytes stream through without
 * gigabytes of heap. Block {@code i} is a fixed random pattern with {@code i} stamped every 4 KiB,
 * so no two blocks are equal and nothing downstream can take a shortcut on repeated content; the
 * same size always yields the same bytes. Not thread-safe: one stream at a time.
 */
final class BlobContent {

  /** The size of the reusable buffer, and of a block. */
  static final int BLOCK = 1 << 20;

  private static final int STAMP_EVERY = 4096;

  private final byte[] block = new byte[BLOCK];
  private final long blocks;

  /**
   * Content of {@code size} bytes, a positive multiple of {@link #BLOCK}.
   *
   * @throws IllegalArgumentException for another size
   */
  BlobContent(long size) {
    if (size <= 0 || size % BLOCK != 0) {
      throw new IllegalArgumentException("size must be a positive multiple of 1 MiB: " + size);
    }
    this.blocks = size / BLOCK;
    new SplittableRandom(0x5EED_0C1L).nextBytes(block);
  }

  /** The size in bytes. */
  long size() {
    return blocks * BLOCK;
  }

  /** The number of 1 MiB blocks. */
  long blocks() {
    return blocks;
  }

  /** Fills the reusable buffer with block {@code index} and returns it; valid until the next. */
  byte[] block(long index) {
    for (int at = 0; at < BLOCK; at += STAMP_EVERY) {
      long stamp = index * 31 + at;
      for (int i = 0; i < Long.BYTES; i++) {
        block[at + i] = (byte) (stamp >>> (8 * i));
      }
    }
    return block;
  }

  /** The sha256 digest of the whole content, computed with {@link MessageDigest} block by block. */
  Digest sha256() {
    MessageDigest md = DigestAlgorithm.SHA256.newMessageDigest();
    for (long i = 0; i < blocks; i++) {
      md.update(block(i));
    }
    return Digest.of(DigestAlgorithm.SHA256, md.digest());
  }

  /**
   * The blocks {@code first} (inclusive) to {@code first + count} (exclusive) as a stream that
   * copies out of the reusable buffer; at most the blocks that exist.
   */
  InputStream chunk(long first, long count) {
    return new ChunkStream(first, Math.min(blocks, first + count));
  }

  private final class ChunkStream extends InputStream {
    private long next;
    private final long end;
    private int position = BLOCK;

    ChunkStream(long first, long end) {
      this.next = first;
      this.end = end;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (position == BLOCK) {
        if (next >= end) {
          return -1;
        }
        block(next++);
        position = 0;
      }
      int n = Math.min(length, BLOCK - position);
      System.arraycopy(block, position, bytes, offset, n);
      position += n;
      return n;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int available() {
      if (position < BLOCK) {
        return BLOCK - position;
      }
      return next < end ? BLOCK : 0;
    }
  }
}
