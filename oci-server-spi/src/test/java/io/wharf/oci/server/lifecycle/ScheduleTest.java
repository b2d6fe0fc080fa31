package io.wharf.oci.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Unix cron expressions: the next times they name, and the ones refused. */
class ScheduleTest {

  private static final ZonedDateTime T =
      ZonedDateTime.of(2026, 3, 14, 10, 15, 30, 0, ZoneOffset.UTC);

  private static ZonedDateTime next(String cron, ZonedDateTime after) {
    return Schedule.parse(cron).nextAfter(after).orElseThrow();
  }

  @Test
  void hourlyFiresOnTheNextHour() {
    assertThat(next("0 * * * *", T)).isEqualTo(T.withHour(11).withMinute(0).withSecond(0));
  }

  @Test
  void dailyAtThreeFiresTomorrowWhenThreeHasPassed() {
    assertThat(next("0 3 * * *", T))
        .isEqualTo(ZonedDateTime.of(2026, 3, 15, 3, 0, 0, 0, ZoneOffset.UTC));
  }

  @Test
  void stepsRangesListsAndNames() {
    assertThat(next("*/15 * * * *", T)).isEqualTo(T.withMinute(30).withSecond(0));
    // 2026-03-14 is a Saturday: Sunday 02:30 is the next day.
    assertThat(next("30 2 * * 0", T))
        .isEqualTo(ZonedDateTime.of(2026, 3, 15, 2, 30, 0, 0, ZoneOffset.UTC));
    assertThat(next("30 2 * * SUN", T)).isEqualTo(next("30 2 * * 0", T));
    assertThat(next("0 9-17 * * 1-5", T))
        .isEqualTo(ZonedDateTime.of(2026, 3, 16, 9, 0, 0, 0, ZoneOffset.UTC));
    assertThat(next("0 0 1,15 * *", T))
        .isEqualTo(ZonedDateTime.of(2026, 3, 15, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(next("0 0 1 JAN *", T))
        .isEqualTo(ZonedDateTime.of(2027, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
  }

  @Test
  void nextIsStrictlyAfterEvenOnAFiringMinute() {
    ZonedDateTime onTheHour = T.withMinute(0).withSecond(0);
    assertThat(next("0 * * * *", onTheHour)).isEqualTo(onTheHour.plusHours(1));
  }

  @Test
  void timesAreInTheZoneAsked() {
    ZonedDateTime berlin = ZonedDateTime.of(2026, 7, 1, 12, 0, 0, 0, ZoneId.of("Europe/Berlin"));
    assertThat(next("0 3 * * *", berlin))
        .isEqualTo(ZonedDateTime.of(2026, 7, 2, 3, 0, 0, 0, ZoneId.of("Europe/Berlin")));
  }

  @Test
  void leapDayFiresEveryFourYears() {
    assertThat(next("0 0 29 2 *", T))
        .isEqualTo(ZonedDateTime.of(2028, 2, 29, 0, 0, 0, 0, ZoneOffset.UTC));
  }

  @Test
  void expressionsThatAreNotFiveValidFieldsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Schedule.parse("0 0 3 * * *"))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining("has 6 fields; a cron expression has five");
    assertThatThrownBy(() -> Schedule.parse("@daily"))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining("has 1 field;");
    assertThatThrownBy(() -> Schedule.parse("61 * * * *"))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining("'61 * * * *' is not a valid cron expression");
    assertThatThrownBy(() -> Schedule.parse("0 24 * * *"))
        .isInstanceOf(InvalidScheduleException.class);
    assertThatThrownBy(() -> Schedule.parse("a b c d e"))
        .isInstanceOf(InvalidScheduleException.class);
    assertThatThrownBy(() -> Schedule.parse("   "))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining("1 to 256 characters");
    assertThatThrownBy(() -> Schedule.parse("0 3 * * *\n0"))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> Schedule.parse("0 ".repeat(200)))
        .isInstanceOf(InvalidScheduleException.class);
  }

  @Test
  void anExpressionThatNeverFiresIsRefused() {
    assertThatThrownBy(() -> Schedule.parse("0 0 30 2 *"))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining("never fires");
  }

  @Test
  void equalByExpression() {
    assertThat(Schedule.parse(" 0 3 * * * ")).isEqualTo(Schedule.parse("0 3 * * *"));
    assertThat(Schedule.parse("0 3 * * *")).hasToString("0 3 * * *");
  }
}
