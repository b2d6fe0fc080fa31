package io.wharf.oci.client;

import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.client.auth.Credential;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class RetryPolicyTest {

  @Test
  void backoffGrowsWithinItsHalfAndNeverPassesTheCap() {
    qt().forAll(ints(1, 200), fractions())
        .checkAssert(
            (attempt, random) -> {
              RetryPolicy p = RetryPolicy.DEFAULT;
              Duration d = p.backoff(attempt, random);
              Duration full =
                  Duration.ofMillis(
                      Math.min(p.maxDelay().toMillis(), 200L << Math.min(attempt - 1, 20)));
              assertThat(d).isBetween(full.dividedBy(2), full);
            });
  }

  /** Doubles from 0 included to 1 excluded, in steps of 2^-53: 0 and the one below 1 included. */
  private static Gen<Double> fractions() {
    return longs(0, (1L << 53) - 1).map(l -> l * 0x1.0p-53);
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
