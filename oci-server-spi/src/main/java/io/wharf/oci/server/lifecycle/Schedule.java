package io.wharf.oci.server.lifecycle;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * When a lifecycle job runs: a Unix cron expression of five fields, {@code minute hour day-of-month
 * month day-of-week}, as crontab(5) reads it: {@code 0 3 * * *} is every day at 03:00, {@code 0 * *
 * * *} every hour, {@code 30 2 * * 0} Sundays at 02:30, {@code *}{@code /15 * * * *} every quarter
 * of an hour; ranges ({@code 1-5}), lists ({@code 1,15}) and steps ({@code *}{@code /10}) as in
 * cron, and the names of months and days ({@code JAN}, {@code MON}). Times are in the time zone of
 * the {@link Lifecycle}'s clock.
 *
 * <p>Parsed with cron-utils' Unix definition; an expression that is not valid, or that never fires
 * (February 30th), is an {@link InvalidScheduleException} naming the problem. Immutable; equal when
 * the expressions are.
 */
public final class Schedule {

  /** The longest expression accepted. */
  public static final int MAX_LENGTH = 256;

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** A start from which every valid expression fires within a few years (leap days included). */
  private static final ZonedDateTime PROBE =
      ZonedDateTime.of(2001, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private final String expression;
  private final ExecutionTime execution;

  private Schedule(String expression, ExecutionTime execution) {
    this.expression = expression;
    this.execution = execution;
  }

  /**
   * The schedule {@code expression} says.
   *
   * @throws InvalidScheduleException when it is not a valid Unix cron expression of five fields, is
   *     longer than {@link #MAX_LENGTH}, or never fires
   */
  public static Schedule parse(String expression) {
    Objects.requireNonNull(expression, "expression");
    String text = expression.strip();
    if (text.isEmpty() || text.length() > MAX_LENGTH) {
      throw new InvalidScheduleException(
          "a schedule is a cron expression of 1 to " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        throw new InvalidScheduleException("a cron expression holds only printable ASCII");
      }
    }
    String[] fields = text.split("\\s+");
    if (fields.length != 5) {
      throw new InvalidScheduleException(
          "'"
              + text
              + "' has "
              + fields.length
              + (fields.length == 1 ? " field" : " fields")
              + "; a cron expression has five: minute hour day-of-month month day-of-week (for"
              + " example '0 3 * * *', every day at 03:00)");
    }
    ExecutionTime execution;
    try {
      Cron cron = UNIX.parse(String.join(" ", fields));
      cron.validate();
      execution = ExecutionTime.forCron(cron);
    } catch (RuntimeException e) {
      throw new InvalidScheduleException(
          "'" + text + "' is not a valid cron expression: " + message(e), e);
    }
    Schedule schedule = new Schedule(text, execution);
    if (schedule.nextAfter(PROBE).isEmpty()) {
      throw new InvalidScheduleException("'" + text + "' never fires");
    }
    return schedule;
  }

  private static String message(RuntimeException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** The expression, as given (without surrounding blanks). */
  public String expression() {
    return expression;
  }

  /**
   * The first time after {@code time} (strictly) at which this schedule fires, in {@code time}'s
   * zone; empty when it never fires again.
   */
  public Optional<ZonedDateTime> nextAfter(ZonedDateTime time) {
    Objects.requireNonNull(time, "time");
    try {
      return execution.nextExecution(time).filter(next -> next.isAfter(time));
    } catch (RuntimeException e) {
      // cron-utils gives up on some impossible dates by throwing: that is "never".
      return Optional.empty();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schedule other && expression.equals(other.expression);
  }

  @Override
  public int hashCode() {
    return expression.hashCode();
  }

  /** The expression. */
  @Override
  public String toString() {
    return expression;
  }
}
