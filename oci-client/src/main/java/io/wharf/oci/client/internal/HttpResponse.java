package io.wharf.oci.client.internal;

import io.wharf.oci.model.Bytes;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A response whose body is a stream: whoever holds it closes it. Closing before the end of the body
 * drops the connection; {@link #discard()} reads a short rest so the connection is reused.
 */
public interface HttpResponse extends Closeable {

  /** The status code. */
  int status();

  /** The URI that answered (after redirects). */
  URI uri();

  /** Every value of header {@code name}, case-insensitively. */
  List<String> headers(String name);

  /** The first value of header {@code name}. */
  default Optional<String> header(String name) {
    List<String> all = headers(name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** {@code Content-Length}, when present and a non-negative number. */
  default OptionalLong contentLength() {
    Optional<String> v = header("Content-Length");
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(v.get().trim());
      return n >= 0 ? OptionalLong.of(n) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The body; empty for HEAD and for bodiless answers. */
  InputStream body() throws IOException;

  /**
   * Reads the body, at most {@code maxBytes}.
   *
   * @throws Bytes.TooLargeException when it is longer
   */
  default Bytes readBody(int maxBytes) throws IOException {
    try (InputStream in = body()) {
      return Bytes.readAtMost(in, maxBytes);
    }
  }

  /** Reads and drops up to 64 KiB of the body so the connection can be reused, then closes. */
  default void discard() {
    try (InputStream in = body()) {
      byte[] buffer = new byte[8192];
      for (int left = 64 * 1024, n; left > 0; left -= n) {
        n = in.read(buffer, 0, Math.min(buffer.length, left));
        if (n < 0) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the connection is dropped instead
    }
    try {
      close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
