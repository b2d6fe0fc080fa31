package io.wharf.oci.client.internal;

import io.wharf.oci.model.Bytes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One HTTP request as the client's machinery builds it: method, absolute URI, headers, and an
 * optional body that writes itself.
 *
 * @param method the method
 * @param uri the absolute URI
 * @param headers the headers, in order, names as given
 * @param body the body, if any
 */
public record HttpRequest(String method, URI uri, List<Header> headers, Optional<Body> body) {

  /** Copies. */
  public HttpRequest {
    headers = List.copyOf(headers);
  }

  /**
   * A header.
   *
   * @param name the name
   * @param value the value
   */
  public record Header(String name, String value) {
    @Override
    public String toString() {
      return isSecret(name) ? name + ": ***" : name + ": " + value;
    }
  }

  /** Whether a header's value must never be logged. */
  public static boolean isSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("authorization") || n.equals("proxy-authorization") || n.equals("cookie");
  }

  /** A request body of a known length that can be written once per call. */
  public interface Body {
    /** The length in bytes. */
    long length();

    /** Writes exactly {@link #length()} bytes. */
    void writeTo(OutputStream out) throws IOException;

    /** A body of {@code bytes}. */
    static Body of(Bytes bytes) {
      return new Body() {
        @Override
        public long length() {
          return bytes.size();
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
          bytes.writeTo(out);
        }
      };
    }
  }

  /** A request without headers or body. */
  public static HttpRequest of(String method, URI uri) {
    return new HttpRequest(method, uri, List.of(), Optional.empty());
  }

  /** This request with one more header. */
  public HttpRequest withHeader(String name, String value) {
    List<Header> h = new ArrayList<>(headers);
    h.add(new Header(name, value));
    return new HttpRequest(method, uri, h, body);
  }

  /** This request without the headers named {@code name}. */
  public HttpRequest withoutHeader(String name) {
    List<Header> h = new ArrayList<>(headers);
    h.removeIf(x -> x.name().equalsIgnoreCase(name));
    return new HttpRequest(method, uri, h, body);
  }

  /** This request with a body. */
  public HttpRequest withBody(Body b) {
    return new HttpRequest(method, uri, headers, Optional.of(b));
  }

  /** This request to another URI (a redirect). */
  public HttpRequest withUri(String newMethod, URI newUri) {
    return new HttpRequest(newMethod, newUri, headers, body);
  }

  @Override
  public String toString() {
    return method + " " + Urls.redact(uri);
  }
}
