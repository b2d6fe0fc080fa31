package io.wharf.oci.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RegistryExtension#inMemory()}: a real registry per class, reached over HTTP. */
class InMemoryRegistryExtensionTest {

  @RegisterExtension static RegistryExtension registry = RegistryExtension.inMemory();

  @Test
  void usesVirtualThreadsWhereTheJvmHasThem(io.wharf.oci.server.jdk.RegistryServer server) {
    assertThat(server.virtualThreads()).isEqualTo(Runtime.version().feature() >= 21);
  }

  @Test
  void servesTheDistributionApi(URI uri) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri.resolve("/v2/")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
    HttpResponse<String> catalog =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri.resolve("/v2/_catalog")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(catalog.body()).isEqualTo("{\"repositories\":[]}");
  }
}
