package io.wharf.oci.policy.sign.internal.cosign;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Digest;
import org.junit.jupiter.api.Test;

class SimpleSigningPayloadTest {

  private static final Digest DIGEST =
      Digest.parse("sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00");

  private static SimpleSigningPayload signed(String reference) {
    return new SimpleSigningPayload(reference, DIGEST);
  }

  @Test
  void dockerHubReferencesAreReadByDockersRules() {
    // cosign writes the name its registry library resolved: index.docker.io/library/nginx
    assertThat(signed("index.docker.io/library/nginx").names("docker.io", "library/nginx"))
        .isTrue();
    assertThat(signed("index.docker.io/library/nginx:1.27").names("docker.io", "nginx")).isTrue();
    assertThat(signed("docker.io/library/nginx").names("index.docker.io", "library/nginx"))
        .isTrue();
    assertThat(signed("index.docker.io/library/redis").names("docker.io", "library/nginx"))
        .isFalse();
  }

  @Test
  void aNamedRegistryMustBeTheSameRegistryAndRepository() {
    assertThat(signed("127.0.0.1:5000/team/app@" + DIGEST).names("127.0.0.1:5000", "team/app"))
        .isTrue();
    assertThat(signed("127.0.0.1:5000/team/app").names("127.0.0.1:5001", "team/app")).isFalse();
    assertThat(signed("127.0.0.1:5000/team/app").names("127.0.0.1:5000", "team/other")).isFalse();
    assertThat(signed("not a reference").names("127.0.0.1:5000", "team/app")).isFalse();
  }

  @Test
  void withAnUnknownRegistryTheRepositoryIsCompared() {
    assertThat(signed("registry.example/team/app:v1").names("", "team/app")).isTrue();
    assertThat(signed("registry.example/team/other").names("", "team/app")).isFalse();
  }
}
