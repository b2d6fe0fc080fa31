package io.wharf.oci.server;

import io.wharf.oci.model.Bytes;
import java.io.IOException;
import java.net.URI;

/**
 * Public access to the conformance contract for adapters in other packages (the transports), with
 * the JDK HTTP client to reach them.
 */
public abstract class RegistryConformanceAdapter extends RegistryConformanceContract {

  private final HttpConformanceClient client = new HttpConformanceClient();
  private URI base = URI.create("http://127.0.0.1:0");

  /** Where {@link #exchange} sends requests, for an adapter whose {@code start} serves there. */
  protected void serveAt(URI base) {
    this.base = base;
  }

  /** Sends one request over HTTP to where {@link #serveAt} said. */
  @Override
  protected Reply exchange(
      HttpMethod method, String path, String query, Headers headers, Bytes body)
      throws IOException {
    return send(base, method, path, query, headers, body);
  }

  /** Sends one request to {@code base} over HTTP. */
  protected Reply send(
      URI base, HttpMethod method, String path, String query, Headers headers, Bytes body)
      throws IOException {
    return client.send(base, method, path, query, headers, body);
  }
}
