package io.wharf.oci.storage.tck;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A body that a stalled client sends: it yields {@code head}, then blocks in {@code read} until the
 * test {@linkplain #release() releases} it, then yields {@code tail} and ends. Tests wait for the
 * state ({@link #awaitStalled()}), never for a time.
 */
public final class StalledStream extends InputStream {

  /** How long {@link #awaitStalled()} and a blocked read wait before the test is deemed hung. */
  private static final long GUARD_SECONDS = 120;

  private final InputStream head;
  private final InputStream tail;
  private final CountDownLatch stalled = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  /** A stream of {@code head}, a stall, then {@code tail}. */
  public StalledStream(byte[] head, byte[] tail) {
    this.head = new ByteArrayInputStream(head.clone());
    this.tail = new ByteArrayInputStream(tail.clone());
  }

  /** Waits until a reader has taken all of {@code head} and is blocked for more. */
  public void awaitStalled() throws InterruptedException {
    if (!stalled.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("nobody read the body up to its stall");
    }
  }

  /** Whether a reader is, or was, blocked at the stall. */
  public boolean hasStalled() {
    return stalled.getCount() == 0;
  }

  /** Lets the blocked reader go on with {@code tail}. */
  public void release() {
    released.countDown();
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
    int n = head.read(b, off, len);
    if (n > 0) {
      return n;
    }
    stalled.countDown();
    try {
      if (!released.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException("the test never released the stalled body");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted at the stall");
    }
    return tail.read(b, off, len);
  }
}
