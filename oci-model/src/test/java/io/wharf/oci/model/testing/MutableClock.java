package io.wharf.oci.model.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that a test sets and moves, for code that takes an injected {@link Clock}. */
public final class MutableClock extends Clock {

  private volatile Instant now;

  /** A clock showing {@code now}. */
  public MutableClock(Instant now) {
    this.now = now;
  }

  /** Shows {@code now} from here on. */
  public void set(Instant now) {
    this.now = now;
  }

  /** Moves the clock forward by {@code amount}. */
  public void advance(Duration amount) {
    now = now.plus(amount);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
