package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ListenAddressTest {

  @Test
  void parsesHostPortAndIpv6() {
    assertThat(ListenAddress.parse("127.0.0.1:5000"))
        .isEqualTo(new ListenAddress("127.0.0.1", 5000));
    assertThat(ListenAddress.parse("localhost:0")).isEqualTo(new ListenAddress("localhost", 0));
    assertThat(ListenAddress.parse("[::1]:5000")).isEqualTo(new ListenAddress("::1", 5000));
    assertThat(ListenAddress.parse("[::1]:5000").toString()).isEqualTo("[::1]:5000");
    assertThat(ListenAddress.parse(" 0.0.0.0:80 ").toString()).isEqualTo("0.0.0.0:80");
  }

  @Test
  void refusesOtherForms() {
    for (String bad :
        new String[] {
          "5000",
          ":5000",
          "host:",
          "host:port",
          "::1:5000",
          "[::1]5000",
          "[::1]",
          "h:-1",
          "h:99999999999"
        }) {
      assertThatThrownBy(() -> ListenAddress.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
    assertThatThrownBy(() -> ListenAddress.parse("h:65536")).hasMessageContaining("65535");
  }

  @Test
  void durations() {
    assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("PT15M")).isEqualTo(Duration.ofMinutes(15));
    assertThatThrownBy(() -> Durations.parse("1y")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Durations.parse("-1h")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Durations.parse("PT-1H")).hasMessageContaining("not a positive");
    assertThatThrownBy(() -> Durations.parse("99999999999999999999d"))
        .hasMessageContaining("too long");
    assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("24h");
    assertThat(Durations.format(Duration.ofSeconds(5430))).isEqualTo("1h30m30s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }
}
