package io.wharf.oci.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/**
 * No third-party type appears in the exported API (CONVENTIONS.md 7): every public or protected
 * signature of every public type in an exported package uses JDK and Wharf types only; HttpClient
 * and Jackson stay in the unexported {@code io.wharf.oci.client.internal}.
 */
class ApiSurfaceTest {

  private final ApiSurface api = ApiSurface.of(RegistryClient.class);

  @Test
  void moduleExportsExactlyTheApiPackages() throws Exception {
    assertThat(api.exportedPackages())
        .containsExactlyInAnyOrder(
            "io.wharf.oci.client", "io.wharf.oci.client.auth", "io.wharf.oci.client.copy");
  }

  @Test
  void exportedSignaturesUseNoThirdPartyTypes() throws Exception {
    assertThat(api.exportedTypes()).hasSizeGreaterThan(20);
    assertThat(api.violations()).isEmpty();
  }
}
