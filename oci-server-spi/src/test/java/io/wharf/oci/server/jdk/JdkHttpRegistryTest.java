package io.wharf.oci.server.jdk;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryConformanceAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The conformance contract over real HTTP on the JDK transport. */
class JdkHttpRegistryTest extends RegistryConformanceAdapter {

  private RegistryServer server;

  @Override
  protected void start(Registry registry) throws IOException {
    server = RegistryServer.start(registry, new InetSocketAddress("127.0.0.1", 0));
  }

  @Override
  protected Reply exchange(
      HttpMethod method, String path, String query, Headers headers, Bytes body)
      throws IOException {
    return send(server.uri(), method, path, query, headers, body);
  }

  @Override
  protected void stop() {
    server.close();
  }
}
