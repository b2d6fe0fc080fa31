package io.wharf.oci.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.ApiSurface;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exported API (CONVENTIONS.md 7): no exported signature names Jackson, SnakeYAML or an
 * unexported Wharf type.
 */
class ApiSurfaceTest {

  private final ApiSurface api = ApiSurface.of(Decision.class);

  @Test
  void exportedSignaturesUseNoThirdPartyOrInternalTypes() throws Exception {
    assertThat(api.exportedPackages())
        .contains(
            "io.wharf.oci.policy",
            "io.wharf.oci.policy.vuln",
            "io.wharf.oci.policy.scanner",
            "io.wharf.oci.policy.retention");
    assertThat(api.exportedTypes()).isNotEmpty();
    assertThat(
            api.violations(List.of("com.fasterxml.", "org.yaml.", "io.wharf.oci.policy.internal.")))
        .isEmpty();
  }
}
