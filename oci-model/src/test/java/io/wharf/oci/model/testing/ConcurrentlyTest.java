package io.wharf.oci.model.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Concurrently}: rounds run together; a failing task stops the others, late or not. */
class ConcurrentlyTest {

  @Test
  void everyTasksResultsComeBackInRoundOrder() throws Exception {
    List<List<String>> results =
        Concurrently.run(List.of(i -> "a" + i, i -> "b" + i, i -> "c" + i), 3);
    assertThat(results)
        .containsExactly(
            List.of("a0", "a1", "a2"), List.of("b0", "b1", "b2"), List.of("c0", "c1", "c2"));
  }

  /**
   * The task that fails in round 1 lets the other finish its round-1 step only afterwards: that one
   * then arrives at the next round with nobody to wait for, and must be let go (it waited forever
   * when a failure only reset the barrier).
   */
  @RepeatedTest(20)
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aTaskThatArrivesAfterAnotherFailedIsLetGo() {
    CountDownLatch failed = new CountDownLatch(1);
    Concurrently.Rounds<String> failing =
        i -> {
          if (i == 1) {
            failed.countDown();
            throw new IllegalStateException("round 1 failed");
          }
          return "ok";
        };
    Concurrently.Rounds<String> late =
        i -> {
          if (i == 1) {
            assertThat(failed.await(20, TimeUnit.SECONDS)).isTrue();
          }
          return "ok";
        };
    assertThatThrownBy(() -> Concurrently.run(List.of(failing, late), 5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("round 1 failed");
  }
}
