package io.wharf.oci.server.transport;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/1.1 over a plain socket, for what client libraries will not send (raw {@code %2F}, {@code
 * %2e%2e}, NUL, huge request lines and headers) and for clients that misbehave on purpose (bodies
 * that trickle). Shared by the transports' tests and the program's.
 */
public final class RawHttp {

  private RawHttp() {}

  /**
   * Sends {@code requestHead} (request line and headers, each ending in CRLF, without the empty
   * line) with {@code Connection: close}, and returns everything the server answers until it closes
   * the connection.
   */
  public static String exchange(int port, String requestHead) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write((requestHead + "Connection: close\r\n\r\n").getBytes(UTF_8));
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      try {
        s.getInputStream().transferTo(all);
      } catch (SocketException reset) {
        // What arrived before a reset is the answer.
      }
      return all.toString(UTF_8);
    }
  }

  /** {@link #exchange} of a GET of {@code rawPath} with a Host header. */
  public static String get(int port, String rawPath) throws IOException {
    return exchange(port, "GET " + rawPath + " HTTP/1.1\r\nHost: x\r\n");
  }

  /** The status code of a raw response. */
  public static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  /** The body of a raw response (after the empty line). */
  public static String body(String response) {
    int i = response.indexOf("\r\n\r\n");
    return i < 0 ? "" : response.substring(i + 4);
  }

  /** The status line and headers of a raw response. */
  public static String head(String response) {
    int i = response.indexOf("\r\n\r\n");
    return i < 0 ? response : response.substring(0, i);
  }

  /**
   * Opens {@code n} connections, each sending {@code method path} with a {@code Content-Length} of
   * {@code length} and only the first {@code sent} bytes of that body: uploads that trickle. The
   * caller closes them.
   */
  public static List<Socket> trickle(
      int port, int n, String method, String path, int length, int sent) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        Socket s = new Socket("127.0.0.1", port);
        sockets.add(s);
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(
            (method
                    + " "
                    + path
                    + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: "
                    + length
                    + "\r\n\r\n")
                .getBytes(US_ASCII));
        out.write(new byte[sent]);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      closeAll(sockets);
      throw e;
    }
    return sockets;
  }

  /**
   * The status line of what the server answered on {@code s}, or "closed" when it closed the
   * connection (or reset it) without an answer.
   */
  public static String statusLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder line = new StringBuilder();
    try {
      for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
        line.append((char) c);
      }
    } catch (SocketException reset) {
      // As closed.
    }
    return line.length() == 0 ? "closed" : line.toString().strip();
  }

  /** Closes every socket, quietly. */
  public static void closeAll(List<Socket> sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Closing.
      }
    }
  }
}
