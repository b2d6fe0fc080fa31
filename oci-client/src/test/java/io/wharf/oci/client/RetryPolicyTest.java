package io.wharf.oci.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.client.auth.Credential;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Property
  void backoffGrowsWithinItsHalfAndNeverPassesTheCap(
      @ForAll @IntRange(min = 1, max = 200) int attempt,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
    RetryPolicy p = RetryPolicy.DEFAULT;
    Duration d = p.backoff(attempt, random);
    Duration full =
        Duration.ofMillis(Math.min(p.maxDelay().toMillis(), 200L << Math.min(attempt - 1, 20)));
    assertThat(d).isBetween(full.dividedBy(2), full);
  }

  @Test
  void boundsAreChecked() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void credentialsNeverShowTheirSecrets() {
    assertThat(Credential.basic("u", "hunter2").toString()).doesNotContain("hunter2").contains("u");
    assertThat(Credential.identityToken("refresh-xyz").toString()).doesNotContain("xyz");
    assertThat(Credential.registryToken("bearer-xyz").toString()).doesNotContain("xyz");
  }
}
