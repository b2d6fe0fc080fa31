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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.storage.lifecycle.GcItem;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Garbage collection reports as JSON: any report reads back equal from what it is written as, and
 * any mangled or foreign text is an {@link InvalidReportException}, never another exception.
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
    Gen<String> mangled =
        reports()
            .zip(
                ints(0, 10_000),
                ints(0, 6),
                anyStrings(0, 8),
                (report, at, cut, junk) -> {
                  String json = LifecycleJson.gcReport(report);
                  int i = at % json.length();
                  return json.substring(0, i)
                      + junk
                      + json.substring(Math.min(json.length(), i + cut));
                });
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(2000)
                .forAll(oneOf(mangled, anyStrings(), pick("null", "[]", "{}", "1", "\"x\"", "")))
                .checkAssert(
                    text -> {
                      try {
                        LifecycleJson.readGcReport(text);
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
