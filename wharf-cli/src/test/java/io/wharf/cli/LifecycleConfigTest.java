package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.server.lifecycle.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    assertThat(c.gcDutyCycle()).isEqualTo(0.1);
    assertThat(c.uploadSchedule()).contains(Schedule.parse("0 * * * *"));
    assertThat(c.uploadTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(c.endpoint()).isEmpty();
    assertThat(c.retentionSchedule()).isEmpty();
  }

  @Test
  void retentionRunsOnItsScheduleOrOnlyWhenAsked() throws Exception {
    LifecycleConfig c =
        parse("lifecycle:\n  gc:\n    schedule: off\n  retention:\n    schedule: \"0 4 * * 6\"\n");
    assertThat(c.retentionSchedule()).contains(Schedule.parse("0 4 * * 6"));
    assertThat(parse("lifecycle:\n  retention: {schedule: off}\n").retentionSchedule()).isEmpty();
    assertThat(parse("lifecycle:\n  retention: {}\n").retentionSchedule()).isEmpty();
    refused(
        "listen: 127.0.0.1:5000\nlifecycle:\n  retention:\n    schedule: \"0 4 * *\"\n",
        "wharf.yaml:4:15: lifecycle.retention.schedule: '0 4 * *' has 4 fields; a cron expression"
            + " has five: minute hour day-of-month month day-of-week (for example '0 3 * * *',"
            + " every day at 03:00)");
    refused(
        "lifecycle:\n  retention:\n    schedule:\n",
        "wharf.yaml:3:14: lifecycle.retention.schedule: has no value");
    refused(
        "lifecycle:\n  retention: daily\n",
        "wharf.yaml:2:14: lifecycle.retention: expected keys and values");
  }

  @Test
  void aRetentionScheduleNeedsPolicies(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    java.nio.file.Files.writeString(
        dir.resolve("wharf.yaml"),
        "listen: 127.0.0.1:0\ndata: ./data\nlifecycle:\n  retention: {schedule: \"0 4 * * *\"}\n");
    WharfRun r = WharfRun.of("serve", "--config", dir.resolve("wharf.yaml").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains("lifecycle.retention.schedule: retention rules live in the policy documents");
  }

  @Test
  void withPoliciesTheRegistryHasARetentionJobOnItsSchedule(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("retention.yaml"), RetentionCommandTest.KEEP_TWO);
    java.nio.file.Files.writeString(
        dir.resolve("wharf.yaml"),
        "policies: {files: [retention.yaml]}\n"
            + "lifecycle:\n  retention: {schedule: \"0 4 * * *\"}\n  endpoint: loopback\n");
    ServerSettings settings =
        WharfConfig.read(dir.resolve("wharf.yaml"))
            .applyTo(ServerSettings.loopback(dir.resolve("data")));
    try (WharfServer server = WharfServer.start(settings)) {
      String jobs = get(server.uri().resolve("/_wharf/lifecycle"));
      assertThat(jobs).contains("{\"name\":\"retention\",\"schedule\":\"0 4 * * *\",\"nextRun\":");
    }
    java.nio.file.Files.writeString(dir.resolve("wharf.yaml"), "lifecycle: {endpoint: loopback}\n");
    ServerSettings without =
        WharfConfig.read(dir.resolve("wharf.yaml"))
            .applyTo(ServerSettings.loopback(dir.resolve("data")));
    try (WharfServer server = WharfServer.start(without)) {
      assertThat(get(server.uri().resolve("/_wharf/lifecycle"))).doesNotContain("retention");
    }
  }

  private static String get(java.net.URI uri) throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> r =
        client.send(
            java.net.http.HttpRequest.newBuilder(uri).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
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
                "    dutyCycle: 0.5",
                "  uploads:",
                "    schedule: off",
                "    ttl: 6h",
                "  endpoint: loopback",
                ""));
    assertThat(c.gcSchedule()).contains(Schedule.parse("30 2 * * 0"));
    assertThat(c.gracePeriod()).isEqualTo(Duration.ofHours(2));
    assertThat(c.deleteUntagged()).isTrue();
    assertThat(c.fullEvery()).isEqualTo(3);
    assertThat(c.gcDutyCycle()).isEqualTo(0.5);
    assertThat(parse("lifecycle:\n  gc:\n    dutyCycle: 1\n").gcDutyCycle()).isEqualTo(1.0);
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
        "lifecycle:\n  retension: {}\n",
        "wharf.yaml:2:3: lifecycle.retension: unknown key 'retension'; did you mean 'retention'?");
    refused(
        "lifecycle:\n  retention:\n    rules: []\n",
        "wharf.yaml:3:5: lifecycle.retention.rules: unknown key 'rules' (known keys: schedule)");
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
    for (String bad : List.of("0", "-0.5", "1.5", ".nan", "fast", "10%")) {
      refused(
          "lifecycle:\n  gc:\n    dutyCycle: " + bad + "\n",
          "wharf.yaml:3:16: lifecycle.gc.dutyCycle: expected a number above 0 and at most 1 (0.1:"
              + " a tenth of the time), found '"
              + bad
              + "'");
    }
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
