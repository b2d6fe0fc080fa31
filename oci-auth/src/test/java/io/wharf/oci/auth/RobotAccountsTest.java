package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.storage.access.DuplicateRobotException;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import io.wharf.oci.storage.access.RobotRecord;
import io.wharf.oci.storage.memory.InMemoryAccessStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RobotAccountsTest {

  private static final List<RobotPermission> PULL_APPS =
      List.of(new RobotPermission("apps", Set.of(RobotAction.PULL)));

  private final InMemoryAccessStore store = new InMemoryAccessStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final RobotAccounts robots = new RobotAccounts(store, clock);

  @Test
  void createShowsTheSecretOnceAndStoresOnlyItsHash() throws Exception {
    RobotCredentials c = robots.create("ci", PULL_APPS, "the CI job");

    assertThat(c.username()).isEqualTo("robot$ci");
    assertThat(c.secret()).matches("[A-Za-z0-9_-]{43}");
    assertThat(c.toString()).doesNotContain(c.secret()).contains("(hidden)");
    RobotRecord stored = store.robot("ci").orElseThrow();
    assertThat(stored.secretHash()).startsWith("sha256:").hasSize(7 + 64);
    assertThat(stored.secretHash()).doesNotContain(c.secret());
    assertThat(stored.created()).isEqualTo(clock.instant());
    assertThat(stored.permissions()).isEqualTo(PULL_APPS);
    assertThat(robots.list()).extracting(RobotRecord::name).containsExactly("ci");
    assertThat(robots.create("other", PULL_APPS, "").secret()).isNotEqualTo(c.secret());
  }

  @Test
  void logsInAsRobotDollarName() throws Exception {
    RobotCredentials c = robots.create("ci", PULL_APPS, "");

    Verification ok = robots.verify("robot$ci", c.secret());
    assertThat(ok).isInstanceOf(Verification.Verified.class);
    Verification.Verified v = (Verification.Verified) ok;
    assertThat(v.identity().name()).contains("robot$ci");
    assertThat(v.identity().attributes())
        .containsEntry("kind", "robot")
        .containsEntry("source", "robot");
    assertThat(v.cacheable()).isFalse();

    assertThat(robots.verify("robot$ci", c.secret() + "x"))
        .isInstanceOf(Verification.Rejected.class);
    assertThat(robots.verify("robot$nope", c.secret())).isInstanceOf(Verification.Unknown.class);
    assertThat(robots.verify("robot$Bad Name", c.secret()))
        .isInstanceOf(Verification.Unknown.class);
    assertThat(robots.verify("ci", c.secret())).isInstanceOf(Verification.Unknown.class);
  }

  @Test
  void attack_aDisabledRobotIsRefused() throws Exception {
    RobotCredentials c = robots.create("ci", PULL_APPS, "");
    robots.disable("ci");

    assertThat(robots.verify("robot$ci", c.secret()))
        .isEqualTo(Verification.rejected("robot ci is disabled"));

    robots.enable("ci");
    assertThat(robots.verify("robot$ci", c.secret())).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void attack_aRobotPastItsExpiryIsRefused() throws Exception {
    Instant expiry = clock.instant().plus(Duration.ofDays(30));
    RobotCredentials c = robots.create("ci", PULL_APPS, "", expiry);
    assertThat(((Verification.Verified) robots.verify("robot$ci", c.secret())).expiresAt())
        .contains(expiry);

    clock.set(expiry);
    assertThat(robots.verify("robot$ci", c.secret()))
        .isEqualTo(Verification.rejected("robot ci expired at " + expiry));

    robots.expireAt("ci", expiry.plus(Duration.ofDays(1)));
    assertThat(robots.verify("robot$ci", c.secret())).isInstanceOf(Verification.Verified.class);
    robots.neverExpire("ci");
    clock.advance(Duration.ofDays(1000));
    assertThat(robots.verify("robot$ci", c.secret())).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void rotatingTheSecretRetiresTheOldOne() throws Exception {
    RobotCredentials first = robots.create("ci", PULL_APPS, "");
    RobotCredentials second = robots.rotateSecret("ci");

    assertThat(second.secret()).isNotEqualTo(first.secret());
    assertThat(robots.verify("robot$ci", first.secret())).isInstanceOf(Verification.Rejected.class);
    assertThat(robots.verify("robot$ci", second.secret()))
        .isInstanceOf(Verification.Verified.class);
  }

  @Test
  void deleteAndUnknownRobots() throws Exception {
    RobotCredentials c = robots.create("ci", PULL_APPS, "");
    assertThatThrownBy(() -> robots.create("ci", PULL_APPS, ""))
        .isInstanceOf(DuplicateRobotException.class);
    assertThat(robots.delete("ci")).isTrue();
    assertThat(robots.delete("ci")).isFalse();
    assertThat(robots.verify("robot$ci", c.secret())).isInstanceOf(Verification.Unknown.class);
    assertThatThrownBy(() -> robots.disable("ci"))
        .isInstanceOf(UnknownRobotException.class)
        .hasMessage("no robot account named ci");
    assertThatThrownBy(() -> robots.rotateSecret("ci")).isInstanceOf(UnknownRobotException.class);
  }

  @Test
  void theHashIsSha256OfTheSecret() {
    assertThat(RobotAccounts.hash("abc"))
        .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
