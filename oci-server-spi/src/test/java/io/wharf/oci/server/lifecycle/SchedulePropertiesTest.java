package io.wharf.oci.server.lifecycle;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Cron expressions on random input: valid ones fire strictly later, on a minute their fields allow;
 * anything else is an {@link InvalidScheduleException}, never another exception, and nothing hangs.
 */
class SchedulePropertiesTest {

  private static final Duration GUARD = Duration.ofMinutes(2);

  private static Gen<ZonedDateTime> times() {
    return ints(0, 20 * 365 * 24 * 60)
        .map(
            m ->
                ZonedDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                    .plusMinutes(m)
                    .plusSeconds(m % 60));
  }

  @Test
  void validMinuteAndHourFieldsFireStrictlyLaterOnAMatchingMinute() {
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().forAll(ints(0, 59), ints(0, 23), ints(1, 15), times())
                .checkAssert(
                    (minute, hour, step, time) -> {
                      Schedule s = Schedule.parse(minute + " " + hour + " * * *");
                      ZonedDateTime next = s.nextAfter(time).orElseThrow();
                      assertThat(next).isAfter(time);
                      assertThat(next.getMinute()).isEqualTo(minute);
                      assertThat(next.getHour()).isEqualTo(hour);
                      assertThat(Duration.between(time, next))
                          .isLessThanOrEqualTo(Duration.ofDays(1));
                      Schedule stepped = Schedule.parse("*/" + step + " * * * *");
                      ZonedDateTime n = stepped.nextAfter(time).orElseThrow();
                      assertThat(n).isAfter(time);
                      assertThat(n.getMinute() % step).isZero();
                      assertThat(n.getSecond()).isZero();
                    }));
  }

  private static Gen<String> field() {
    return oneOf(
        pick("*", "*/5", "1-3", "1,2", "0", "59", "60", "-1", "MON", "JAN", "?", "L", "W", "#"),
        strings("0123456789*/,-", 1, 6),
        anyStrings(0, 4));
  }

  @Test
  void anyTextParsesOrIsRefusedAsAnInvalidSchedule() {
    Gen<String> fivish = lists(field(), 0, 7).map(l -> String.join(" ", l));
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(3000)
                .forAll(oneOf(fivish, anyStrings()), times())
                .checkAssert(
                    (text, time) -> {
                      Optional<Schedule> parsed;
                      try {
                        parsed = Optional.of(Schedule.parse(text));
                      } catch (InvalidScheduleException e) {
                        assertThat(e.getMessage()).isNotBlank();
                        parsed = Optional.empty();
                      }
                      parsed.ifPresent(
                          s -> {
                            assertThat(Schedule.parse(s.expression())).isEqualTo(s);
                            s.nextAfter(time).ifPresent(n -> assertThat(n).isAfter(time));
                          });
                    }));
  }
}
