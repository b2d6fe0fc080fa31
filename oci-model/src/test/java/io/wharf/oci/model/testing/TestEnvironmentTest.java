package io.wharf.oci.model.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestEnvironmentTest {

  @Test
  void ciIsTrueInAnyCaseOrOne() {
    assertThat(TestEnvironment.underCi("true")).isTrue();
    assertThat(TestEnvironment.underCi("TRUE")).isTrue();
    assertThat(TestEnvironment.underCi("True")).isTrue();
    assertThat(TestEnvironment.underCi("1")).isTrue();
    assertThat(TestEnvironment.underCi(" true ")).isTrue();
  }

  @Test
  void anythingElseIsNotCi() {
    assertThat(TestEnvironment.underCi(null)).isFalse();
    assertThat(TestEnvironment.underCi("")).isFalse();
    assertThat(TestEnvironment.underCi("false")).isFalse();
    assertThat(TestEnvironment.underCi("0")).isFalse();
    assertThat(TestEnvironment.underCi("yes")).isFalse();
  }
}
