package io.wharf.oci.server.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RegistryServlet.ArrayChannel}, the Servlet 6.0 path, against a recording stream. */
class ArrayChannelTest {

  static final int CAP = RegistryServlet.COPY_BUFFER;

  final Recording out = new Recording();
  final long[] sent = {0};

  @Test
  void smallBuffersAreGatheredIntoWritesOfTheBufferSize() throws Exception {
    byte[] all = bytes(20 * 8192);
    RegistryServlet.ArrayChannel channel = new RegistryServlet.ArrayChannel(out, sent, all.length);
    for (int off = 0; off < all.length; off += 8192) {
      ByteBuffer piece = ByteBuffer.wrap(all, off, 8192);
      assertThat(channel.write(piece)).isEqualTo(8192);
      assertThat(piece.hasRemaining()).isFalse();
    }
    channel.drain();
    assertThat(out.writes).containsExactly(CAP, all.length - CAP);
    assertThat(out.bytes.toByteArray()).isEqualTo(all);
    assertThat(sent[0]).isEqualTo(all.length);
  }

  @Test
  void directAndReadOnlyBuffersAreCopiedInBoundedPieces() throws Exception {
    byte[] all = bytes(2 * CAP + 1000);
    ByteBuffer direct = ByteBuffer.allocateDirect(CAP + 500).put(all, 0, CAP + 500).flip();
    ByteBuffer readOnly = ByteBuffer.wrap(all, CAP + 500, CAP + 500).asReadOnlyBuffer();
    RegistryServlet.ArrayChannel channel = new RegistryServlet.ArrayChannel(out, sent, all.length);
    channel.write(direct);
    channel.write(readOnly);
    channel.drain();
    assertThat(out.writes).containsExactly(CAP, CAP, 1000);
    assertThat(out.bytes.toByteArray()).isEqualTo(all);
    assertThat(sent[0]).isEqualTo(all.length);
  }

  @Test
  void largeHeapBufferGoesStraightFromItsArray() throws Exception {
    byte[] all = bytes(3 * CAP);
    RegistryServlet.ArrayChannel channel = new RegistryServlet.ArrayChannel(out, sent, all.length);
    channel.write(ByteBuffer.wrap(all, 0, 10));
    channel.write(ByteBuffer.wrap(all, 10, all.length - 10));
    channel.drain();
    // The first 10 bytes are gathered and filled up to the buffer size, the rest goes at once.
    assertThat(out.writes).containsExactly(CAP, 2 * CAP);
    assertThat(out.bytes.toByteArray()).isEqualTo(all);
  }

  @Test
  void smallBodyUsesASmallBuffer() throws Exception {
    byte[] all = bytes(10);
    RegistryServlet.ArrayChannel channel = new RegistryServlet.ArrayChannel(out, sent, 10);
    channel.write(ByteBuffer.wrap(all, 0, 4).asReadOnlyBuffer());
    channel.write(ByteBuffer.wrap(all, 4, 6).asReadOnlyBuffer());
    channel.drain();
    channel.drain();
    assertThat(out.writes).containsExactly(10);
    assertThat(out.bytes.toByteArray()).isEqualTo(all);
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + i / 4096);
    }
    return b;
  }

  /** Records the length of each array write; has no {@code write(ByteBuffer)} to offer. */
  static final class Recording extends ServletOutputStream {
    final List<Integer> writes = new ArrayList<>();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(ByteBuffer buffer) {
      throw new AssertionError("write(ByteBuffer) called on the Servlet 6.0 path");
    }

    @Override
    public void write(int b) {
      throw new AssertionError("single-byte write");
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes.add(len);
      bytes.write(b, off, len);
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {}
  }
}
