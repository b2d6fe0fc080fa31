package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The audit log's instants are written exactly as {@link Instant#toString()} writes them. */
class InstantTextTest {

  private final InstantText text = new InstantText();

  @Test
  void anyInstantIsWrittenAsInstantWritesIt() {
    qt().withExamples(20_000)
        .forAll(
            longs().between(-100_000_000_000L, 300_000_000_000L),
            integers().between(0, 999_999_999),
            integers().between(0, 2))
        .checkAssert(
            (second, nano, round) -> {
              // Fractions of whole milli- and microseconds, the groups toString shortens to.
              int n = round == 0 ? nano : round == 1 ? nano / 1_000 * 1_000 : nano / 1_000_000;
              Instant instant = Instant.ofEpochSecond(second, round == 2 ? n * 1_000_000L : n);
              assertThat(text.format(instant)).isEqualTo(instant.toString());
            });
  }

  @Test
  void secondsInARowAndTheEdgesOfTheRange() {
    for (Instant instant :
        new Instant[] {
          Instant.EPOCH,
          Instant.parse("2026-12-04T15:42:10Z"),
          Instant.parse("2026-12-04T15:42:10.100Z"),
          Instant.parse("2026-12-04T15:42:10.000001Z"),
          Instant.parse("2026-12-04T15:42:10.000000001Z"),
          Instant.parse("2026-12-04T15:42:11.5Z"),
          Instant.parse("2026-12-04T15:42:10.999999999Z"),
          Instant.parse("2024-02-29T23:59:59Z"),
          Instant.parse("9999-12-31T23:59:59.999Z"),
          Instant.parse("+10000-01-01T00:00:00Z"),
          Instant.parse("1969-12-31T23:59:59.5Z"),
          Instant.MIN,
          Instant.MAX
        }) {
      assertThat(text.format(instant)).isEqualTo(instant.toString());
    }
  }
}
