package io.wharf.oci.server.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.server.transport.TransportSupport;
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
    assertThat(out.writes).containsExactly(CAP, CAP, all.length - 2 * CAP);
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
  void largeHeapBufferGoesStraightFromItsArrayInBoundedWrites() throws Exception {
    byte[] all = bytes(3 * CAP);
    RegistryServlet.ArrayChannel channel = new RegistryServlet.ArrayChannel(out, sent, all.length);
    channel.write(ByteBuffer.wrap(all, 0, 10));
    channel.write(ByteBuffer.wrap(all, 10, all.length - 10));
    channel.drain();
    // The first 10 bytes are gathered and filled up to the buffer size, the rest goes straight
    // from the array, in writes no larger than the buffer.
    assertThat(out.writes).containsExactly(CAP, CAP, CAP);
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

  @Test
  void aManifestOf4MiBReachesTheContainerInWritesOfAtMost64KiB() throws Exception {
    // The JDK writes a heap buffer to a socket through a direct buffer of its size, cached per
    // thread: one 4 MiB write per container thread exhausted direct memory.
    byte[] manifest = bytes(4 << 20);
    io.wharf.oci.server.ResponseBody body =
        io.wharf.oci.server.ResponseBody.of(io.wharf.oci.model.Bytes.of(manifest));
    RegistryServlet.ArrayChannel channel =
        new RegistryServlet.ArrayChannel(out, sent, manifest.length);
    body.transferTo(channel);
    channel.drain();
    assertThat(out.bytes.toByteArray()).isEqualTo(manifest);
    assertThat(out.writes).allMatch(n -> n <= TransportSupport.MAX_WRITE);

    Recording61 direct = new Recording61();
    long[] sent61 = {0};
    body.transferTo(new RegistryServlet.ByteBufferChannel(direct, sent61));
    assertThat(direct.bytes.toByteArray()).isEqualTo(manifest);
    assertThat(sent61[0]).isEqualTo(manifest.length);
    assertThat(direct.writes).allMatch(n -> n <= TransportSupport.MAX_WRITE);
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + i / 4096);
    }
    return b;
  }

  /** Records the length of each {@code write(ByteBuffer)}, as Servlet 6.1 offers it. */
  static final class Recording61 extends ServletOutputStream {
    final List<Integer> writes = new ArrayList<>();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(ByteBuffer buffer) {
      writes.add(buffer.remaining());
      while (buffer.hasRemaining()) {
        bytes.write(buffer.get());
      }
    }

    @Override
    public void write(int b) {
      throw new AssertionError("single-byte write");
    }

    @Override
    public void write(byte[] b, int off, int len) {
      throw new AssertionError("array write on the Servlet 6.1 path");
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {}
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
