package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/**
 * No third-party type appears in the exported API (CONVENTIONS.md 7): Nimbus, Bouncy Castle,
 * UnboundID and Jackson stay behind package-private classes or {@code io.wharf.oci.auth.internal}.
 */
class ApiSurfaceTest {

  private final ApiSurface api = ApiSurface.of(ProjectAuthorizer.class);

  @Test
  void moduleExportsExactlyTheApiPackage() throws Exception {
    assertThat(api.exportedPackages()).containsExactly("io.wharf.oci.auth");
  }

  @Test
  void exportedSignaturesUseNoThirdPartyTypes() throws Exception {
    assertThat(api.exportedTypes()).hasSizeGreaterThan(8);
    assertThat(api.violations()).isEmpty();
  }
}
