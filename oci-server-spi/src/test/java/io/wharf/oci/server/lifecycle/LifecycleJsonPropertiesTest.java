package io.wharf.oci.server.lifecycle;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.booleans;
import static io.wharf.oci.model.testing.OciGenerators.digests;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.longs;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.optionals;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.repositoryNames;
import static io.wharf.oci.model.testing.OciGenerators.tags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.policy.retention.RetentionCandidate;
import io.wharf.oci.storage.lifecycle.GcItem;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Garbage collection and retention reports as JSON: any report reads back equal from what it is
 * written as, and any mangled or foreign text is an {@link InvalidReportException}, never another
 * exception.
 */
class LifecycleJsonPropertiesTest {

  private static final Duration GUARD = Duration.ofMinutes(2);

  private static Gen<GcItem> items() {
    Gen<GcItem.Kind> kinds = pick(GcItem.Kind.values());
    return kinds.zip(
        optionals(repositoryNames(), 70),
        digests(),
        longs(0, Long.MAX_VALUE),
        anyStrings(0, 40),
        GcItem::new);
  }

  static Gen<GcReport> reports() {
    Gen<Instant> instants = longs(0, 4_000_000_000L).map(s -> Instant.ofEpochSecond(s));
    Gen<long[]> counts =
        lists(longs(0, Long.MAX_VALUE), 6, 6)
            .map(l -> l.stream().mapToLong(Long::longValue).toArray());
    return booleans()
        .zip(
            booleans(),
            instants,
            longs(0, 10_000_000),
            (dry, full, start, grace) -> new Object[] {dry, full, start, grace})
        .zip(
            counts,
            lists(items(), 0, 5),
            booleans(),
            (head, c, list, truncated) ->
                new GcReport(
                    new GcRequest((Boolean) head[0], (Boolean) head[1]),
                    (Instant) head[2],
                    ((Instant) head[2]).plusMillis(c[0] % 100_000),
                    Duration.ofSeconds((Long) head[3]),
                    c[0],
                    c[1],
                    c[2],
                    c[3],
                    c[4],
                    c[5],
                    list,
                    truncated));
  }

  private static Gen<Instant> instants() {
    return longs(0, 4_000_000_000L).map(s -> Instant.ofEpochSecond(s));
  }

  private static Gen<RetentionReport.Outcome> outcomes() {
    Gen<RetentionCandidate> artifacts =
        repositoryNames()
            .zip(
                digests(),
                lists(tags(), 0, 3),
                instants(),
                optionals(instants(), 50),
                RetentionCandidate::new);
    return artifacts.zip(
        booleans(), anyStrings(0, 40), lists(digests(), 0, 3), RetentionReport.Outcome::new);
  }

  static Gen<RetentionReport> retentionReports() {
    return booleans()
        .zip(
            instants(),
            longs(0, 100_000),
            lists(pick("library", "team", "a-b", "x.y"), 0, 3),
            (dry, start, ms, projects) -> new Object[] {dry, start, ms, Set.copyOf(projects)})
        .zip(
            lists(outcomes(), 0, 5),
            (head, list) ->
                new RetentionReport(
                    (Boolean) head[0],
                    (Instant) head[1],
                    ((Instant) head[1]).plusMillis((Long) head[2]),
                    (Set<String>) head[3],
                    list));
  }

  @Test
  void everyRetentionReportReadsBackEqual() {
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().forAll(retentionReports())
                .checkAssert(
                    report -> {
                      String json = LifecycleJson.retentionReport(report);
                      assertThat(json).endsWith("}\n").doesNotContain("\n{");
                      assertThat(LifecycleJson.readRetentionReport(json)).isEqualTo(report);
                    }));
  }

  @Test
  void mangledRetentionReportsAndJunkAreRefusedAsInvalidReports() {
    refusedWhenMangled(
        retentionReports(), LifecycleJson::retentionReport, LifecycleJson::readRetentionReport);
  }

  @Test
  void retentionErrorsNameTheField() {
    RetentionCandidate artifact =
        new RetentionCandidate(
            io.wharf.oci.model.ref.RepositoryName.of("team/app"),
            io.wharf.oci.model.Digest.sha256(io.wharf.oci.model.Bytes.utf8("x")),
            List.of(io.wharf.oci.model.ref.Tag.of("v1")),
            Instant.EPOCH,
            java.util.Optional.empty());
    String json =
        LifecycleJson.retentionReport(
            new RetentionReport(
                true,
                Instant.EPOCH,
                Instant.EPOCH,
                Set.of("team"),
                List.of(new RetentionReport.Outcome(artifact, true, "too old", List.of()))));
    assertThat(json).contains("\"deleted\":1", "\"tags\":[\"v1\"]").doesNotContain("pulledAt");
    assertThatThrownBy(
            () -> LifecycleJson.readRetentionReport(json.replace("[\"v1\"]", "[\"-v1\"]")))
        .isInstanceOf(InvalidReportException.class)
        .hasMessage("outcomes[0].tags[0]: not a tag: '-v1'");
    assertThatThrownBy(
            () ->
                LifecycleJson.readRetentionReport(
                    json.replace("\"pushedAt\":\"1970-01-01T00:00:00Z\"", "\"pushedAt\":\"then\"")))
        .isInstanceOf(InvalidReportException.class)
        .hasMessage("outcomes[0].pushedAt: not an ISO-8601 instant: 'then'");
    assertThatThrownBy(
            () -> LifecycleJson.readRetentionReport(json.replace("[\"team\"]", "[\"\"]")))
        .isInstanceOf(InvalidReportException.class)
        .hasMessage("projects[0]: expected a project name of 1 to 255 characters");
    assertThatThrownBy(
            () -> LifecycleJson.readRetentionReport(json.replace("\"outcomes\"", "\"x\"")))
        .isInstanceOf(InvalidReportException.class)
        .hasMessage("outcomes: expected an array");
  }

  @Test
  void everyReportReadsBackEqual() {
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().forAll(reports())
                .checkAssert(
                    report -> {
                      String json = LifecycleJson.gcReport(report);
                      assertThat(json).endsWith("}\n").doesNotContain("\n{");
                      assertThat(LifecycleJson.readGcReport(json)).isEqualTo(report);
                    }));
  }

  @Test
  void mangledReportsAndJunkAreRefusedAsInvalidReports() {
    refusedWhenMangled(reports(), LifecycleJson::gcReport, LifecycleJson::readGcReport);
  }

  /** Any mangled report written by {@code write}, and junk, is refused by {@code read} as such. */
  private static <R> void refusedWhenMangled(
      Gen<R> reports, Function<R, String> write, Function<String, R> read) {
    Gen<String> mangled =
        reports.zip(
            ints(0, 10_000),
            ints(0, 6),
            anyStrings(0, 8),
            (report, at, cut, junk) -> {
              String json = write.apply(report);
              int i = at % json.length();
              return json.substring(0, i) + junk + json.substring(Math.min(json.length(), i + cut));
            });
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(2000)
                .forAll(oneOf(mangled, anyStrings(), pick("null", "[]", "{}", "1", "\"x\"", "")))
                .checkAssert(
                    text -> {
                      try {
                        read.apply(text);
                      } catch (InvalidReportException e) {
                        assertThat(e.getMessage()).isNotBlank();
                      }
                    }));
  }

  @Test
  void errorsNameTheField() {
    String json =
        LifecycleJson.gcReport(
            new GcReport(
                GcRequest.dryRunOnly(),
                Instant.EPOCH,
                Instant.EPOCH,
                Duration.ofHours(24),
                1,
                0,
                0,
                0,
                0,
                0,
                List.of(),
                false));
    assertThatThrownBy(
            () ->
                LifecycleJson.readGcReport(
                    json.replace("\"repositories\":1", "\"repositories\":-1")))
        .isInstanceOf(InvalidReportException.class)
        .hasMessage("repositories: expected a whole number, at least 0");
    assertThatThrownBy(
            () ->
                LifecycleJson.readGcReport(json.replace("\"dryRun\":true", "\"dryRun\":\"true\"")))
        .isInstanceOf(InvalidReportException.class)
        .hasMessage("dryRun: expected true or false");
    assertThatThrownBy(
            () ->
                LifecycleJson.readGcReport(
                    json.replace("\"items\":[]", "\"items\":[{\"kind\":\"tag\"}]")))
        .isInstanceOf(InvalidReportException.class)
        .hasMessage("items[0].kind: expected manifest, link or blob, found 'tag'");
  }
}
