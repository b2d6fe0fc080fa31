package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.testing.ApiSurface;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The token classes keep Nimbus, Bouncy Castle and Jackson inside (CONVENTIONS.md 7): no exported
 * signature of oci-auth names a third-party type or a package-private helper.
 */
class TokenApiSurfaceTest {

  private final ApiSurface api = ApiSurface.of(TokenService.class);

  @Test
  void exportedSignaturesUseNoThirdPartyTypes() throws Exception {
    assertThat(api.exportedPackages()).containsExactly("io.wharf.oci.auth");
    assertThat(api.exportedTypes())
        .contains(
            SigningKey.class,
            TokenService.class,
            TokenAuthenticator.class,
            TrustedIssuer.class,
            TrustedIssuer.Builder.class);
    assertThat(api.exportedTypes()).doesNotContain(TokenScope.class, IssuerKeys.class);
    assertThat(
            api.violations(
                List.of("com.nimbusds.", "org.bouncycastle.", "com.fasterxml.", "com.unboundid.")))
        .isEmpty();
  }
}
