package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.ApiSurface;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exported API (CONVENTIONS.md 7): only {@code io.wharf.oci.auth}; no exported signature names
 * Nimbus, Bouncy Castle, UnboundID or Jackson, or an unexported Wharf type.
 */
class ApiSurfaceTest {

  private final ApiSurface api = ApiSurface.of(BasicAuthenticator.class);

  @Test
  void moduleExportsExactlyTheApiPackage() throws Exception {
    assertThat(api.exportedPackages()).containsExactly("io.wharf.oci.auth");
  }

  @Test
  void exportedSignaturesUseNoThirdPartyOrInternalTypes() throws Exception {
    assertThat(api.exportedTypes()).isNotEmpty();
    assertThat(
            api.violations(
                List.of(
                    "com.nimbusds.",
                    "org.bouncycastle.",
                    "com.unboundid.",
                    "com.fasterxml.",
                    "io.wharf.oci.auth.internal.")))
        .isEmpty();
  }
}
