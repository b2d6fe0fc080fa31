package io.wharf.cli;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where the server listens: a host (name or IP address) and a port, written {@code host:port}, with
 * an IPv6 address in brackets ({@code [::1]:5000}). Port 0 asks the system for a free port.
 *
 * @param host the host name or IP address, without brackets
 * @param port the port, 0 to 65535
 */
public record ListenAddress(String host, int port) {

  /** Where {@code wharf serve} listens unless told otherwise: loopback only, port 5000. */
  public static final ListenAddress DEFAULT = new ListenAddress("127.0.0.1", 5000);

  /** Checks the parts. */
  public ListenAddress {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("the host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
    }
  }

  /**
   * Parses {@code host:port} or {@code [ipv6]:port}.
   *
   * @throws IllegalArgumentException with a message that shows the expected form
   */
  public static ListenAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    String host;
    String port;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
        throw invalid(text);
      }
      host = t.substring(1, close);
      port = t.substring(close + 2);
    } else {
      int colon = t.lastIndexOf(':');
      if (colon < 0 || t.indexOf(':') != colon) {
        throw invalid(text);
      }
      host = t.substring(0, colon);
      port = t.substring(colon + 1);
    }
    if (host.isEmpty() || port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(text);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
    if (p > 65535) {
      throw new IllegalArgumentException(
          "'" + text + "': port " + p + " is not between 0 and 65535");
    }
    return new ListenAddress(host, p);
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not host:port (for example 127.0.0.1:5000, 0.0.0.0:5000 or [::1]:5000)");
  }

  /** The socket address to bind, with the host resolved. */
  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  /** {@code host:port}, with an IPv6 address in brackets. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
