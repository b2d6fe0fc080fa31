package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.server.lifecycle.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code lifecycle} section of wharf.yaml: defaults, values, and errors placed by line. */
class LifecycleConfigTest {

  private static LifecycleConfig parse(String yaml) throws ConfigException {
    return WharfConfig.parse(yaml, "wharf.yaml", Path.of("/srv"))
        .applyTo(ServerSettings.defaults())
        .lifecycle();
  }

  private static void refused(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void withoutTheSectionCollectionsRunOnRequestAndUploadsArePurgedHourly() throws Exception {
    LifecycleConfig c = parse("listen: 127.0.0.1:5000\n");
    assertThat(c).isEqualTo(LifecycleConfig.defaults());
    assertThat(c.gcSchedule()).isEmpty();
    assertThat(c.gracePeriod()).isEqualTo(Duration.ofHours(24));
    assertThat(c.deleteUntagged()).isFalse();
    assertThat(c.fullEvery()).isEqualTo(7);
    assertThat(c.uploadSchedule()).contains(Schedule.parse("0 * * * *"));
    assertThat(c.uploadTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(c.endpoint()).isEmpty();
  }

  @Test
  void everyKeyIsRead() throws Exception {
    LifecycleConfig c =
        parse(
            String.join(
                "\n",
                "lifecycle:",
                "  gc:",
                "    schedule: \"30 2 * * 0\"",
                "    gracePeriod: 2h",
                "    deleteUntagged: true",
                "    fullEvery: 3",
                "  uploads:",
                "    schedule: off",
                "    ttl: 6h",
                "  endpoint: loopback",
                ""));
    assertThat(c.gcSchedule()).contains(Schedule.parse("30 2 * * 0"));
    assertThat(c.gracePeriod()).isEqualTo(Duration.ofHours(2));
    assertThat(c.deleteUntagged()).isTrue();
    assertThat(c.fullEvery()).isEqualTo(3);
    assertThat(c.uploadSchedule()).isEmpty();
    assertThat(c.uploadTtl()).isEqualTo(Duration.ofHours(6));
    assertThat(c.endpoint()).contains(LifecycleConfig.EndpointMode.LOOPBACK);
    assertThat(parse("lifecycle:\n  endpoint: off\n").endpoint())
        .contains(LifecycleConfig.EndpointMode.OFF);
    assertThat(parse("lifecycle:\n  gc: {schedule: 0 3 * * *}\n").gcSchedule())
        .isEqualTo(Optional.of(Schedule.parse("0 3 * * *")));
  }

  @Test
  void unknownKeysAreNamedWithTheirLineAndTheClosestKnownKey() {
    refused(
        "listen: 127.0.0.1:5000\nlifecycle:\n  gc:\n    shedule: \"0 3 * * *\"\n",
        "wharf.yaml:4:5: lifecycle.gc.shedule: unknown key 'shedule'; did you mean 'schedule'?");
    refused(
        "lifecycle:\n  upload:\n    ttl: 1h\n",
        "wharf.yaml:2:3: lifecycle.upload: unknown key 'upload'; did you mean 'uploads'?");
    refused(
        "lifecycle:\n  retention: {}\n",
        "wharf.yaml:2:3: lifecycle.retention: unknown key 'retention' (known keys: gc, uploads,"
            + " endpoint)");
    refused(
        "lifecycle:\n  endpoint: admin\n",
        "wharf.yaml:2:13: lifecycle.endpoint: expected admins, loopback or off, found 'admin';"
            + " did you mean 'admins'?");
  }

  @Test
  void badValuesAreNamedWithTheirLine() {
    refused(
        "lifecycle:\n  gc:\n    schedule: \"0 3 * *\"\n",
        "wharf.yaml:3:15: lifecycle.gc.schedule: '0 3 * *' has 4 fields; a cron expression has"
            + " five: minute hour day-of-month month day-of-week (for example '0 3 * * *', every"
            + " day at 03:00)");
    refused(
        "lifecycle:\n  gc:\n    schedule: on\n",
        "wharf.yaml:3:15: lifecycle.gc.schedule: expected a cron expression such as \"0 3 * *"
            + " *\", or off");
    refused(
        "lifecycle:\n  gc:\n    gracePeriod: 24\n",
        "wharf.yaml:3:18: lifecycle.gc.gracePeriod: '24' has no unit; write for example 24h, 30m"
            + " or 90s");
    refused(
        "lifecycle:\n  gc:\n    gracePeriod: 0s\n",
        "wharf.yaml:3:18: lifecycle.gc.gracePeriod: '0s' is not a positive duration");
    refused(
        "lifecycle:\n  gc:\n    deleteUntagged: \"yes\"\n",
        "wharf.yaml:3:21: lifecycle.gc.deleteUntagged: expected true or false, found 'yes'");
    refused(
        "lifecycle:\n  gc:\n    fullEvery: 0\n",
        "wharf.yaml:3:16: lifecycle.gc.fullEvery: expected a whole number from 1 to 10000,"
            + " found '0'");
    refused(
        "lifecycle:\n  gc:\n    fullEvery:\n",
        "wharf.yaml:3:15: lifecycle.gc.fullEvery: has no value");
    refused(
        "lifecycle:\n  uploads: [1]\n",
        "wharf.yaml:2:12: lifecycle.uploads: expected keys and values");
    refused(
        "lifecycle:\n  uploads:\n    ttl: [1h]\n",
        "wharf.yaml:3:10: lifecycle.uploads.ttl: expected a duration such as 24h, found a list");
  }

  @Test
  void theEndpointModeMustFitTheAccessControl(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    java.nio.file.Files.writeString(
        dir.resolve("wharf.yaml"),
        "listen: 127.0.0.1:0\ndata: ./data\nlifecycle:\n  endpoint: admins\n");
    WharfRun r = WharfRun.of("serve", "--config", dir.resolve("wharf.yaml").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("lifecycle.endpoint: admins needs an auth section");
  }
}
