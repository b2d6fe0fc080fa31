package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** The conformance contract against the engine called directly, without a transport. */
class DirectRegistryTest extends RegistryConformanceContract {

  private Registry registry;

  @Override
  protected void start(Registry registry) {
    this.registry = registry;
  }

  @Override
  protected Reply exchange(
      HttpMethod method, String path, String query, Headers headers, Bytes body)
      throws IOException {
    RegistryResponse r =
        registry.handle(new RegistryRequest(method, path, query, headers, body.openStream()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.body().isPresent()) {
      r.body().get().writeTo(out);
      assertThat(out.size()).isEqualTo(r.body().get().contentLength());
    }
    return new Reply(r.status(), r.headers(), Bytes.of(out.toByteArray()));
  }

  @Override
  protected void stop() {}

  @Override
  protected boolean knowsClientAddress() {
    return false;
  }
}
