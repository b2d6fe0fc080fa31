package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.ApiSurface;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exported API (CONVENTIONS.md 7): the engine and its hooks, the two transports and the test
 * extension; the transports' shared helpers stay inside. No exported signature names a banned
 * third-party type or an unexported Wharf type. The servlet adapter extends Jakarta's {@code
 * HttpServlet} and the extension implements JUnit's callbacks: those two are what they integrate
 * with.
 */
class ApiSurfaceTest {

  private final ApiSurface api = ApiSurface.of(Registry.class);

  @Test
  void moduleExportsExactlyTheApiPackages() throws Exception {
    assertThat(api.exportedPackages())
        .containsExactlyInAnyOrder(
            "io.wharf.oci.server",
            "io.wharf.oci.server.jdk",
            "io.wharf.oci.server.lifecycle",
            "io.wharf.oci.server.servlet",
            "io.wharf.oci.server.testing");
  }

  @Test
  void exportedSignaturesUseNoThirdPartyOrInternalTypes() throws Exception {
    assertThat(api.exportedTypes()).hasSizeGreaterThan(20);
    assertThat(api.violations(List.of("io.wharf.oci.server.transport.", "com.cronutils")))
        .isEmpty();
  }
}
