package io.wharf.oci.policy.vuln;

import static io.wharf.oci.model.testing.OciGenerators.byteArrays;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.longs;
import static io.wharf.oci.model.testing.OciGenerators.maps;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static io.wharf.oci.model.testing.OciGenerators.unchecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.testing.OciGenerators;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Whatever bytes a stranger attaches as a report, {@link Reports#parse} returns a report or throws
 * {@link ReportException} with a message: random bytes, JSON-like text, report-shaped documents of
 * every format, and the real fixtures with one value replaced or removed. Bombs (size, depth) are
 * refused.
 */
class ReportsPropertiesTest {

  private static final List<String> KEYS =
      List.of(
          "SchemaVersion",
          "Results",
          "Vulnerabilities",
          "VulnerabilityID",
          "PkgName",
          "InstalledVersion",
          "FixedVersion",
          "Severity",
          "CVSS",
          "V3Score",
          "V2Score",
          "V40Score",
          "References",
          "PrimaryURL",
          "Status",
          "CreatedAt",
          "Trivy",
          "Version",
          "runs",
          "tool",
          "driver",
          "name",
          "version",
          "rules",
          "results",
          "ruleId",
          "ruleIndex",
          "message",
          "text",
          "help",
          "properties",
          "tags",
          "security-severity",
          "cvssv3_baseScore",
          "cvssv2_score",
          "level",
          "defaultConfiguration",
          "helpUri",
          "invocations",
          "endTimeUtc",
          "bomFormat",
          "specVersion",
          "metadata",
          "timestamp",
          "tools",
          "components",
          "component",
          "bom-ref",
          "vulnerabilities",
          "id",
          "ratings",
          "score",
          "severity",
          "method",
          "affects",
          "ref",
          "versions",
          "status",
          "analysis",
          "state",
          "advisories",
          "url",
          "source",
          "recommendation",
          "value",
          "matches",
          "vulnerability",
          "artifact",
          "fix",
          "cvss",
          "metrics",
          "baseScore",
          "dataSource",
          "urls",
          "descriptor",
          "ignoredMatches",
          "appliedIgnoreRules",
          "vex-status",
          "relatedVulnerabilities",
          "generated_at",
          "scanner",
          "package",
          "fix_version",
          "links",
          "preferred_cvss",
          "score_v3",
          "score_v2",
          "vendor_attributes");

  private static final List<String> MARKERS =
      List.of(
          "\"SchemaVersion\":2,\"Results\":",
          "\"version\":\"2.1.0\",\"runs\":",
          "\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":",
          "\"descriptor\":{\"name\":\"grype\"},\"matches\":",
          "\"generated_at\":\"2024-01-02T03:04:05Z\",\"scanner\":{},\"vulnerabilities\":");

  @Test
  void randomBytesGiveAReportOrAReportException() {
    qt().forAll(byteArrays(0, 300)).checkAssert(bytes -> readsOrRefuses(bytes));
  }

  @Test
  void jsonLikeTextGivesAReportOrAReportException() {
    qt().withExamples(500)
        .forAll(OciGenerators.jsonLike())
        .checkAssert(text -> readsOrRefuses(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void jsonLikeBytesGiveAReportOrAReportException() {
    qt().withExamples(500)
        .forAll(OciGenerators.jsonLikeBytes())
        .checkAssert(ReportsPropertiesTest::readsOrRefuses);
  }

  @Test
  void reportShapedDocumentsOfEveryFormatGiveAReportOrAReportException() {
    qt().withExamples(2000)
        .forAll(reportShaped())
        .checkAssert(text -> readsOrRefuses(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void mutatedFixturesGiveAReportOrAReportExceptionWhateverFormatIsDeclared() {
    qt().withExamples(1500)
        .forAll(
            pick(Fixtures.ALL.toArray(new String[0])),
            longs(Long.MIN_VALUE, Long.MAX_VALUE),
            oneOf(OciGenerators.jsonLike(), reportValues(2)),
            pick(ReportFormat.values()))
        .checkAssert(
            (path, seed, replacement, declared) -> {
              byte[] bytes =
                  OciGenerators.mutateJson(Fixtures.bytes(path), seed, replacement)
                      .getBytes(StandardCharsets.UTF_8);
              readsOrRefuses(bytes);
              unchecked(
                  () -> {
                    try {
                      check(Reports.parse(declared, new ByteArrayInputStream(bytes)));
                    } catch (ReportException e) {
                      assertThat(e.getMessage()).isNotBlank();
                    }
                  });
            });
  }

  @Test
  void reportsLargerThanTheBoundAreRefusedWhateverTheirContent() {
    qt().forAll(pick(Fixtures.ALL.toArray(new String[0])), ints(1, 4096))
        .checkAssert(
            (path, bound) -> {
              byte[] bytes = Fixtures.bytes(path);
              if (bytes.length > bound) {
                assertThatThrownBy(() -> Reports.parse(new ByteArrayInputStream(bytes), bound))
                    .isInstanceOf(ReportException.class)
                    .hasMessage("the report is larger than " + bound + " bytes");
              }
            });
  }

  @Test
  void nestingBeyondTheBoundIsRefusedInEveryFormat() {
    qt().forAll(pick(MARKERS.toArray(new String[0])), ints(Reports.MAX_DEPTH, 5000))
        .checkAssert(
            (marker, depth) -> {
              String bomb = "{" + marker + "[".repeat(depth) + "]".repeat(depth) + "}";
              assertThatThrownBy(
                      () ->
                          Reports.parse(
                              new ByteArrayInputStream(bomb.getBytes(StandardCharsets.UTF_8))))
                  .isInstanceOf(ReportException.class)
                  .hasMessageContaining("nesting depth");
            });
  }

  private static void readsOrRefuses(byte[] bytes) {
    unchecked(
        () -> {
          try {
            check(Reports.parse(new ByteArrayInputStream(bytes)));
          } catch (ReportException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
          }
        });
  }

  /** What every report keeps: no finding both counted and not affected, bounded references. */
  private static void check(VulnerabilityReport report) {
    Set<String> counted = new HashSet<>();
    for (Vulnerability v : report.findings()) {
      assertThat(counted.add(key(v))).as("each finding once").isTrue();
      assertThat(v.references()).hasSizeLessThanOrEqualTo(Reports.MAX_REFERENCES);
    }
    for (Vulnerability v : report.notAffected()) {
      assertThat(counted).doesNotContain(key(v));
    }
  }

  private static String key(Vulnerability v) {
    return v.id() + '\u0000' + v.packageName() + '\u0000' + v.installedVersion();
  }

  /** An object holding one format's markers, its values built of report keys and values. */
  private static Gen<String> reportShaped() {
    Gen<String> members =
        maps(pick(KEYS.toArray(new String[0])), reportValues(4), 0, 5)
            .map(ReportsPropertiesTest::members);
    return pick(MARKERS.toArray(new String[0]))
        .zip(reportValues(4), members, (marker, value, more) -> "{" + marker + value + more + "}");
  }

  /**
   * Report-like values nested up to {@code depth} levels: objects of report keys, arrays, scalars.
   */
  private static Gen<String> reportValues(int depth) {
    Gen<String> scalar =
        oneOf(
            pick(
                "null",
                "true",
                "0",
                "2",
                "-1",
                "7.5",
                "11",
                "1e400",
                "\"\"",
                "\"CRITICAL\"",
                "\"low\"",
                "\"Negligible\"",
                "\"none\"",
                "\"SEVERE\"",
                "\"2.1.0\"",
                "\"CycloneDX\"",
                "\"CVSSv31\"",
                "\"CVSSv2\"",
                "\"other\"",
                "\"error\"",
                "\"note\"",
                "\"fixed\"",
                "\"not-fixed\"",
                "\"not_affected\"",
                "\"resolved\"",
                "\"unaffected\"",
                "\"vulnerability\"",
                "\"9.8\"",
                "\"x9\"",
                "\"2024-01-02T03:04:05Z\"",
                "\"yesterday\"",
                "\"pkg:npm/a@1\"",
                "\"pkg:maven/g/a%2G@1\"",
                "\"urn:cdx:x/1#a\"",
                "\"Package: p\\nInstalled Version: 1\\nFixed Version: 2\"",
                "\"Vulnerability CVE-1\\nSeverity: HIGH\\nPackage: q\\nVersion: 1\"",
                "\"Upgrade p to version 2\"",
                "\"a\""),
            strings("aZ9 :.-\n", 0, 12).map(s -> "\"" + s.replace("\n", "\\n") + "\""));
    Gen<String> value = scalar;
    for (int level = 0; level < depth; level++) {
      Gen<String> inner = value;
      value =
          oneOf(
              inner,
              lists(inner, 0, 3).map(l -> "[" + String.join(",", l) + "]"),
              maps(pick(KEYS.toArray(new String[0])), inner, 0, 5)
                  .map(m -> "{" + members(m).replaceFirst("^,", "") + "}"));
    }
    return value;
  }

  /** {@code ,"k":v,…} of {@code m}. */
  private static String members(Map<String, String> m) {
    return m.entrySet().stream()
        .map(e -> ",\"" + e.getKey() + "\":" + e.getValue())
        .collect(Collectors.joining());
  }
}
