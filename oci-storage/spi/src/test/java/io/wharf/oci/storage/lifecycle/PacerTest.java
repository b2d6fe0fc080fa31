package io.wharf.oci.storage.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.storage.RegistryStorage;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The collector's pacing, on a clock the test moves. */
class PacerTest {

  private static final long MS = 1_000_000;

  private final AtomicLong now = new AtomicLong(5 * MS);
  private final List<Long> slept = new ArrayList<>();

  private Pacer pacer(double dutyCycle) {
    return new Pacer(
        dutyCycle,
        now::get,
        nanos -> {
          slept.add(nanos);
          now.addAndGet(nanos);
        });
  }

  @Test
  void sleepsInProportionToTheWorkSinceTheLastSleep() throws Exception {
    Pacer pacer = pacer(0.25);
    now.addAndGet(4 * MS); // a step's work
    pacer.step();
    now.addAndGet(2 * MS);
    pacer.step();
    assertThat(slept).containsExactly(12 * MS, 6 * MS);
  }

  @Test
  void shortOwedSleepsAreSavedUpUntilTheyCanBeSlept() throws Exception {
    Pacer pacer = pacer(0.5);
    for (int i = 0; i < 3; i++) {
      now.addAndGet(MS / 4);
      pacer.step();
    }
    assertThat(slept).isEmpty();
    now.addAndGet(MS / 4);
    pacer.step();
    assertThat(slept).containsExactly(MS);
  }

  @Test
  void aFullDutyCycleNeverSleeps() throws Exception {
    Pacer pacer = pacer(1.0);
    now.addAndGet(1_000 * MS);
    pacer.step();
    assertThat(slept).isEmpty();
  }

  @Test
  void anInterruptedSleepStopsTheRunAndKeepsTheInterrupt() {
    Pacer pacer =
        new Pacer(
            0.1,
            now::get,
            nanos -> {
              throw new InterruptedException();
            });
    now.addAndGet(10 * MS);
    try {
      assertThatThrownBy(pacer::step).isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void theBuilderRefusesDutyCyclesOutsideZeroToOne() {
    GarbageCollector.Builder builder = GarbageCollector.builder(RegistryStorage.inMemory());
    for (double bad : new double[] {0, -0.5, 1.01, Double.NaN}) {
      assertThatThrownBy(() -> builder.dutyCycle(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("duty cycle");
    }
    builder.dutyCycle(0.01).dutyCycle(1).build();
  }
}
