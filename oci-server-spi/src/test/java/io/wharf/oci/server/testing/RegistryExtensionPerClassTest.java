package io.wharf.oci.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.jdk.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistryExtensionPerClassTest {

  static final Set<URI> SEEN = ConcurrentHashMap.newKeySet();

  @RegisterExtension
  static RegistryExtension registry =
      RegistryExtension.of(
          () -> request -> RegistryResponse.of(200, Headers.empty(), Bytes.utf8(request.path())));

  @AfterAll
  static void oneServerForTheClass() {
    assertThat(SEEN).hasSize(1);
  }

  @Test
  void injectsUri(URI uri) throws Exception {
    SEEN.add(uri);
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(uri + "/v2/")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("/v2/");
  }

  @Test
  void injectsServer(RegistryServer server) {
    SEEN.add(server.uri());
    assertThat(server.uri()).isEqualTo(registry.uri());
  }
}
