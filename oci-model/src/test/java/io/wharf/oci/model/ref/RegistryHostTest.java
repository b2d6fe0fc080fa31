package io.wharf.oci.model.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.error.InvalidContentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryHostTest {

  @Test
  void acceptsIpv6LiteralsOfTheRfcForms() {
    for (String host :
        List.of(
            "[::1]",
            "[::1]:5000",
            "[2001:db8::8a2e:370:7334]",
            "[2001:0db8:0000:0000:0000:8a2e:0370:7334]:443",
            "[::ffff:192.0.2.1]",
            "[fe80::1%eth0]")) {
      assertThat(new RegistryHost(host).value()).isEqualTo(host);
    }
  }

  @Test
  void refusesMalformedIpv6AndPorts() {
    for (String host :
        List.of(
            "[:]",
            "[fff]",
            "[1:2:3:4:5:6:7:8:9]",
            "[1::2::3]",
            "[12345::1]",
            "[::ffff:300.0.0.1]",
            "localhost:0",
            "localhost:00080",
            "localhost:65536",
            "example.com:")) {
      assertThatThrownBy(() -> new RegistryHost(host))
          .as(host)
          .isInstanceOf(InvalidContentException.class);
    }
  }

  @Test
  void tellsLoopbackAddresses() {
    assertThat(new RegistryHost("localhost:5000").isLoopback()).isTrue();
    assertThat(new RegistryHost("127.0.0.1:5000").isLoopback()).isTrue();
    assertThat(new RegistryHost("[::1]:5000").isLoopback()).isTrue();
    assertThat(new RegistryHost("ghcr.io").isLoopback()).isFalse();
    assertThat(new RegistryHost("[::1]:5000").host()).isEqualTo("[::1]");
  }
}
