package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/**
 * No third-party type appears in the exported API (CONVENTIONS.md 7): every public or protected
 * signature of every public type in an exported package uses JDK and Wharf types only; Jackson
 * stays in the unexported {@code io.wharf.oci.model.json}.
 */
class ApiSurfaceTest {

  private final ApiSurface api = ApiSurface.of(Digest.class);

  @Test
  void moduleExportsExactlyTheApiPackages() throws Exception {
    assertThat(api.exportedPackages())
        .containsExactlyInAnyOrder(
            "io.wharf.oci.model",
            "io.wharf.oci.model.error",
            "io.wharf.oci.model.ref",
            "io.wharf.oci.model.layout");
  }

  @Test
  void exportedSignaturesUseNoThirdPartyTypes() throws Exception {
    assertThat(api.exportedTypes()).hasSizeGreaterThan(20);
    assertThat(api.violations()).isEmpty();
  }
}
