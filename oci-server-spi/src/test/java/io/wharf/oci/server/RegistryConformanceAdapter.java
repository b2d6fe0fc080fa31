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

  /** Sends one request to {@code base} over HTTP. */
  protected Reply send(
      URI base, HttpMethod method, String path, String query, Headers headers, Bytes body)
      throws IOException {
    return client.send(base, method, path, query, headers, body);
  }
}
