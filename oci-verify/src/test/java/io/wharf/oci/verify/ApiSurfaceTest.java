package io.wharf.oci.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/**
 * No third-party type appears in the exported API (CONVENTIONS.md 7): the one exported package uses
 * JDK and Wharf types only.
 */
class ApiSurfaceTest {

  private final ApiSurface api = ApiSurface.of(ImageVerifier.class);

  @Test
  void moduleExportsExactlyTheApiPackage() throws Exception {
    assertThat(api.exportedPackages()).containsExactly("io.wharf.oci.verify");
  }

  @Test
  void exportedSignaturesUseNoThirdPartyTypes() throws Exception {
    assertThat(api.exportedTypes()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(api.violations()).isEmpty();
  }
}
