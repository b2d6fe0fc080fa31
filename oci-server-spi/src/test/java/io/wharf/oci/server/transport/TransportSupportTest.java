package io.wharf.oci.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.server.HttpMethod;
import org.junit.jupiter.api.Test;

class TransportSupportTest {

  @Test
  void decodesPaths() throws Exception {
    assertThat(TransportSupport.decodePath("/v2/a/b/manifests/sha256:ab"))
        .isEqualTo("/v2/a/b/manifests/sha256:ab");
    assertThat(TransportSupport.decodePath("/v2/a%3Ab+c/%C3%A9")).isEqualTo("/v2/a:b+c/é");
  }

  @Test
  void refusesBadPaths() {
    assertStatus("", 400);
    assertStatus("v2/", 400);
    assertStatus("/v2/%", 400);
    assertStatus("/v2/%4", 400);
    assertStatus("/v2/%C3", 400);
    assertStatus("/v2/a%00", 400);
    assertStatus("/v2/a%0Ab", 400);
    assertStatus("/v2/a%2fb", 404);
    assertStatus("/v2/a%5Cb", 404);
    assertStatus("/v2/../x", 404);
    assertStatus("/v2/%2E%2E/x", 404);
    assertStatus("/v2/./x", 404);
    assertStatus("/" + "a".repeat(TransportSupport.MAX_PATH_LENGTH), 400);
  }

  @Test
  void methodsAreCaseSensitive() {
    assertThat(TransportSupport.method("GET")).hasValue(HttpMethod.GET);
    assertThat(TransportSupport.method("get")).isEmpty();
    assertThat(TransportSupport.method("OPTIONS")).isEmpty();
  }

  private static void assertStatus(String path, int status) {
    assertThatThrownBy(() -> TransportSupport.decodePath(path))
        .isInstanceOfSatisfying(
            TransportSupport.RefusedPathException.class,
            e -> assertThat(e.response().status()).isEqualTo(status));
  }
}
