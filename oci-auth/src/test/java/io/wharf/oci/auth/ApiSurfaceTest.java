package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.ApiSurface;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exported API (CONVENTIONS.md 7): only {@code io.wharf.oci.auth}, and no exported signature
 * names a Nimbus, Bouncy Castle, UnboundID or Jackson type.
 */
class ApiSurfaceTest {

  private final ApiSurface api = ApiSurface.of(Logins.class);

  @Test
  void moduleExportsExactlyTheApiPackage() throws Exception {
    assertThat(api.exportedPackages()).containsExactly("io.wharf.oci.auth");
  }

  @Test
  void exportedSignaturesUseNoThirdPartyTypes() throws Exception {
    assertThat(api.exportedTypes()).hasSizeGreaterThan(10);
    assertThat(api.violations(List.of("com.nimbusds.", "com.unboundid.", "org.bouncycastle.")))
        .isEmpty();
  }
}
