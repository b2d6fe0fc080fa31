package io.wharf.oci.policy.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.wharf.oci.model.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Format detection, media types, bounds, errors with their place, and normalisation rules. */
class ReportsTest {

  // Media types

  @Test
  void everyMediaTypeOfAFormatMapsBackToIt() {
    for (ReportFormat format : ReportFormat.values()) {
      assertThat(format.mediaTypes()).startsWith(format.mediaType());
      for (MediaType type : format.mediaTypes()) {
        assertThat(Reports.formatOf(type)).as(type.value()).contains(format);
      }
    }
  }

  @Test
  void mediaTypesAreComparedWithoutParametersOrCase() {
    assertThat(Reports.formatOf(MediaType.parse("application/vnd.cyclonedx+json; version=1.6")))
        .contains(ReportFormat.CYCLONEDX);
    assertThat(Reports.formatOf(MediaType.parse("application/SARIF+json")))
        .contains(ReportFormat.SARIF);
    assertThat(
            Reports.formatOf(
                MediaType.parse("application/vnd.security.vulnerability.report; version=1.2")))
        .contains(ReportFormat.HARBOR);
    assertThat(
            Reports.formatOf(
                MediaType.parse(
                    "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0")))
        .contains(ReportFormat.HARBOR);
  }

  @Test
  void preferredTypesAreTheResearchedOnes() {
    assertThat(ReportFormat.TRIVY.mediaType().value())
        .isEqualTo("application/vnd.aquasec.trivy.report.v1+json");
    assertThat(ReportFormat.GRYPE.mediaType().value())
        .isEqualTo("application/vnd.anchore.grype+json");
    assertThat(ReportFormat.SARIF.mediaType().value()).isEqualTo("application/sarif+json");
    assertThat(ReportFormat.CYCLONEDX.mediaType().value())
        .isEqualTo("application/vnd.cyclonedx+json");
    assertThat(ReportFormat.HARBOR.mediaType().value())
        .isEqualTo("application/vnd.security.vulnerability.report.v1.1+json");
    assertThat(Reports.formatOf(MediaType.parse("application/vnd.anchore.grype.report.v1+json")))
        .contains(ReportFormat.GRYPE);
  }

  @Test
  void plainJsonAndOtherTypesNameNoFormat() {
    assertThat(Reports.formatOf(MediaType.JSON)).isEmpty();
    assertThat(Reports.formatOf(MediaType.OCI_IMAGE_MANIFEST)).isEmpty();
    assertThat(Reports.formatOf(MediaType.parse("application/spdx+json"))).isEmpty();
  }

  // What is not a report

  @Test
  void notJsonSaysWhere() {
    assertThatThrownBy(() -> parse("{\n  \"matches\": [\n    nope\n]}"))
        .isInstanceOf(ReportException.class)
        .hasMessageStartingWith("not valid JSON, or beyond Wharf's bounds: line 3, column ");
  }

  @Test
  void trailingContentIsRefused() {
    assertThatThrownBy(() -> parse("{} {}")).isInstanceOf(ReportException.class);
  }

  @Test
  void emptyInputIsRefused() {
    assertThatThrownBy(() -> parse("")).hasMessage("the report is empty");
    assertThatThrownBy(() -> parse("   ")).isInstanceOf(ReportException.class);
  }

  @Test
  void aReportIsAnObject() {
    assertThatThrownBy(() -> parse("[]")).hasMessage("$: a report is a JSON object");
    assertThatThrownBy(() -> parse("\"x\"")).hasMessage("$: a report is a JSON object");
  }

  @Test
  void anObjectOfNoKnownFormatIsRefused() {
    assertThatThrownBy(() -> parse("{\"bom\":1}"))
        .hasMessage(
            "$: not a report Wharf reads (Trivy JSON, SARIF 2.1.0, CycloneDX, Grype JSON or"
                + " Harbor's)");
  }

  @Test
  void aDeclaredFormatIsReadEvenWhenItsMarkersAreMissing() throws IOException {
    assertThatThrownBy(() -> Reports.parse(ReportFormat.TRIVY, stream("{\"Results\":[]}")))
        .hasMessage("$: 'SchemaVersion' is missing");
    assertThatThrownBy(() -> Reports.parse(ReportFormat.GRYPE, stream("{\"matches\":[]}")))
        .hasMessage("$: 'descriptor' is missing");
    assertThat(Reports.parse(ReportFormat.HARBOR, stream("{}")).findings()).isEmpty();
  }

  // Bounds

  @Test
  void aReportLargerThanTheBoundIsRefusedAndOneAtTheBoundIsRead() throws IOException {
    byte[] bytes = Fixtures.bytes("grype/TestJsonImgsPresenter.golden");
    assertThatThrownBy(() -> Reports.parse(new ByteArrayInputStream(bytes), bytes.length - 1))
        .hasMessage("the report is larger than " + (bytes.length - 1) + " bytes");
    assertThat(Reports.parse(new ByteArrayInputStream(bytes), bytes.length).findings()).hasSize(2);
  }

  @Test
  void theBoundMustBePositive() {
    assertThatThrownBy(() -> Reports.parse(stream("{}"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deepNestingIsRefused() {
    String deep = "[".repeat(Reports.MAX_DEPTH + 1) + "]".repeat(Reports.MAX_DEPTH + 1);
    assertThatThrownBy(() -> parse("{\"matches\":" + deep + ",\"descriptor\":{}}"))
        .isInstanceOf(ReportException.class)
        .hasMessageContaining("nesting depth");
    String ok = "[".repeat(Reports.MAX_DEPTH - 2) + "]".repeat(Reports.MAX_DEPTH - 2);
    assertThatThrownBy(() -> parse("{\"matches\":[" + ok + "],\"descriptor\":{}}"))
        .hasMessage("$.matches[0]: expected an object, found an array");
  }

  @Test
  void aLongStringIsRefused() {
    String text = "x".repeat(Reports.MAX_STRING_LENGTH + 1);
    assertThatThrownBy(() -> parse("{\"bomFormat\":\"CycloneDX\",\"x\":\"" + text + "\"}"))
        .isInstanceOf(ReportException.class)
        .hasMessageContaining("String value length");
  }

  @Test
  void tooManyTokensAreRefused() {
    StringBuilder b = new StringBuilder("{\"SchemaVersion\":2,\"Results\":[");
    for (long i = 0; i <= Reports.MAX_TOKENS; i++) {
      b.append("0,");
    }
    b.append("0]}");
    assertThatThrownBy(() -> parse(b.toString()))
        .isInstanceOf(ReportException.class)
        .hasMessageContaining("Token count");
  }

  @Test
  void tooManyFindingsAreRefused() {
    StringBuilder b =
        new StringBuilder("{\"generated_at\":\"\",\"scanner\":{},\"vulnerabilities\":[");
    for (int i = 0; i <= Reports.MAX_FINDINGS; i++) {
      b.append(i == 0 ? "" : ",").append("{\"id\":\"CVE-1\",\"package\":\"p\",\"version\":\"");
      b.append(i).append("\"}");
    }
    b.append("]}");
    assertThatThrownBy(() -> parse(b.toString()))
        .hasMessage(
            "$.vulnerabilities["
                + Reports.MAX_FINDINGS
                + "]: the report has more than "
                + Reports.MAX_FINDINGS
                + " findings");
  }

  @Test
  void aLongIdIsRefusedAndALongReferenceDropped() throws IOException {
    String id = "C".repeat(Reports.MAX_FIELD_LENGTH + 1);
    assertThatThrownBy(() -> parse(harbor("{\"id\":\"" + id + "\",\"package\":\"p\"}")))
        .hasMessage(
            "$.vulnerabilities[0]: the id is longer than "
                + Reports.MAX_FIELD_LENGTH
                + " characters");
    String url = "https://x/" + "y".repeat(Reports.MAX_REFERENCE_LENGTH);
    VulnerabilityReport report =
        parse(
            harbor(
                "{\"id\":\"CVE-1\",\"package\":\"p\",\"links\":[\"" + url + "\",\"https://z\"]}"));
    assertThat(report.findings().get(0).references()).containsExactly("https://z");
  }

  @Test
  void aFailingStreamIsAnIoExceptionNotAReportException() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("disk on fire");
          }
        };
    assertThatThrownBy(() -> Reports.parse(broken))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("disk on fire");
  }

  // Errors say where

  @Test
  void trivyFieldErrorsNameTheirPath() {
    assertThatThrownBy(() -> parse(trivy("\"Severity\":\"SEVERE\"")))
        .hasMessage("$.Results[0].Vulnerabilities[0].Severity: 'SEVERE' is not a severity");
    assertThatThrownBy(() -> parse(trivy("\"CVSS\":{\"nvd\":{\"V3Score\":11}}")))
        .hasMessage("$.Results[0].Vulnerabilities[0].CVSS.nvd: 11.0 is not a CVSS score (0 to 10)");
    assertThatThrownBy(() -> parse(trivy("\"CVSS\":{\"nvd\":{\"V3Score\":\"high\"}}")))
        .hasMessage("$.Results[0].Vulnerabilities[0].CVSS.nvd.V3Score: 'high' is not a number");
    assertThatThrownBy(() -> parse(trivy("\"References\":[1]")))
        .hasMessage(
            "$.Results[0].Vulnerabilities[0].References[0]: expected a string, found a number");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"SchemaVersion\":2,\"Results\":[{\"Vulnerabilities\":[{\"PkgName\":\"p\"}]}]}"))
        .hasMessage("$.Results[0].Vulnerabilities[0]: 'VulnerabilityID' is missing or empty");
    assertThatThrownBy(() -> parse("{\"SchemaVersion\":2,\"Results\":{}}"))
        .hasMessage("$.Results: expected an array, found an object");
    assertThatThrownBy(() -> parse("{\"SchemaVersion\":1,\"Results\":[]}"))
        .hasMessage("$.SchemaVersion: schema version 1 is not supported (Wharf reads 2)");
    assertThatThrownBy(() -> parse("{\"SchemaVersion\":\"2\",\"Results\":[]}"))
        .hasMessage("$.SchemaVersion: expected an integer, found a string");
    assertThatThrownBy(
            () -> parse("{\"SchemaVersion\":2,\"Results\":[],\"CreatedAt\":\"yesterday\"}"))
        .hasMessage("$.CreatedAt: 'yesterday' is not an RFC 3339 date and time");
  }

  @Test
  void sarifErrorsNameTheirPath() {
    assertThatThrownBy(() -> parse("{\"version\":\"2.0.0\",\"runs\":[]}"))
        .hasMessage("$.version: SARIF 2.0.0 is not supported (2.1.0 is)");
    assertThatThrownBy(() -> parse("{\"version\":\"2.1.0\",\"runs\":[{}]}"))
        .hasMessage("$.runs[0]: 'tool.driver' is missing");
    assertThatThrownBy(
            () ->
                parse(
                    sarif(
                        "[]",
                        "{\"ruleIndex\":3,\"message\":{\"text\":\"Package: p\\nVersion: 1\"}}")))
        .hasMessage("$.runs[0].results[0].ruleIndex: rule 3 does not exist (the run has 0)");
    assertThatThrownBy(
            () ->
                parse(
                    sarif(
                        "[]",
                        "{\"ruleId\":\"X\",\"level\":\"fatal\",\"message\":{\"text\":\"Package: p\"}}")))
        .hasMessage("$.runs[0].results[0].level: 'fatal' is not a SARIF level");
  }

  // Normalisation

  @Test
  void theSameFindingInSeveralTargetsIsMerged() throws IOException {
    String first =
        "{\"VulnerabilityID\":\"CVE-1\",\"PkgName\":\"p\",\"InstalledVersion\":\"1\","
            + "\"Severity\":\"LOW\",\"References\":[\"https://a\"]}";
    String again =
        "{\"VulnerabilityID\":\"CVE-1\",\"PkgName\":\"p\",\"InstalledVersion\":\"1\","
            + "\"FixedVersion\":\"2, 3\",\"Severity\":\"HIGH\",\"CVSS\":{\"x\":{\"V2Score\":5}},"
            + "\"References\":[\"https://a\",\"https://b\"]}";
    String other = "{\"VulnerabilityID\":\"CVE-1\",\"PkgName\":\"p\",\"InstalledVersion\":\"9\"}";
    VulnerabilityReport report =
        parse(
            "{\"SchemaVersion\":2,\"Results\":[{\"Vulnerabilities\":["
                + first
                + "]},{\"Vulnerabilities\":["
                + again
                + ","
                + other
                + "]}]}");
    assertThat(report.findings())
        .containsExactly(
            new Vulnerability(
                "CVE-1",
                "p",
                "1",
                Optional.of("2, 3"),
                Severity.HIGH,
                Optional.of(5.0),
                List.of("https://a", "https://b")),
            new Vulnerability(
                "CVE-1",
                "p",
                "9",
                Optional.empty(),
                Severity.UNKNOWN,
                Optional.empty(),
                List.of()));
  }

  @Test
  void trivyPrefersV3AndV4ScoresOverHigherV2OnesAndHonoursNotAffectedStatus() throws IOException {
    VulnerabilityReport report =
        parse(
            trivy(
                "\"CVSS\":{\"a\":{\"V2Score\":9.3,\"V3Score\":5.0},\"b\":{\"V40Score\":6.1}},"
                    + "\"Status\":\"not_affected\""));
    assertThat(report.findings()).isEmpty();
    assertThat(report.notAffected())
        .extracting(Vulnerability::cvss)
        .containsExactly(Optional.of(6.1));
  }

  @Test
  void sarifLevelsAndTagsGiveTheSeverityWhenNothingElseDoes() throws IOException {
    String rules =
        "[{\"id\":\"R1\",\"properties\":{\"tags\":[\"vulnerability\"]}},"
            + "{\"id\":\"R2\",\"defaultConfiguration\":{\"level\":\"note\"}},"
            + "{\"id\":\"DS002\",\"properties\":{\"tags\":[\"misconfiguration\",\"HIGH\"]}}]";
    String results =
        "{\"ruleId\":\"R1\",\"level\":\"error\",\"message\":{\"text\":\"something\"}},"
            + "{\"ruleId\":\"R2\",\"message\":{\"text\":\"Package: q\\nInstalled Version: 2\"}},"
            + "{\"ruleId\":\"R2\",\"level\":\"none\",\"message\":{\"text\":\"Package: r\"}},"
            + "{\"ruleId\":\"DS002\",\"message\":{\"text\":\"Artifact: Dockerfile\\nSeverity: HIGH\"}}";
    VulnerabilityReport report = parse(sarif(rules, results));
    assertThat(report.findings())
        .extracting(Vulnerability::id, Vulnerability::packageName, Vulnerability::severity)
        .containsExactly(
            tuple("R1", "", Severity.HIGH),
            tuple("R2", "q", Severity.LOW),
            tuple("R2", "r", Severity.NONE));
  }

  @Test
  void cycloneDxResolvesPurlsAndBomLinksAndReadsFixesAndStates() throws IOException {
    String bom =
        """
        {"bomFormat":"CycloneDX","specVersion":"1.6",
         "components":[{"bom-ref":"lib-a","name":"a","version":"1.0",
                        "components":[{"bom-ref":"lib-b","name":"b","version":"2.0"}]}],
         "vulnerabilities":[
          {"id":"CVE-1","ratings":[{"score":9.1,"method":"CVSSv31"},{"score":10,"method":"OWASP"}],
           "affects":[{"ref":"pkg:maven/org.example/c%2Bd@3.0?type=jar"},
                      {"ref":"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#lib-b"}],
           "recommendation":"Upgrade b to version 2.1"},
          {"id":"CVE-2","analysis":{"state":"resolved"},"affects":[{"ref":"lib-a"}]},
          {"id":"CVE-3","analysis":{"state":"exploitable"},
           "properties":[{"name":"aquasecurity:trivy:FixedVersion","value":"1.1, 1.2"}],
           "affects":[{"ref":"lib-a"}]},
          {"id":"CVE-4","affects":[{"ref":"lib-a","versions":[{"version":"1.0","status":"unaffected"}]},
                                   {"ref":"lib-b","versions":[{"version":"2.5","status":"unaffected"},
                                                              {"range":"vers:generic/<2.5","status":"affected"}]}]},
          {"id":"CVE-5","ratings":[{"severity":"critical"}],"affects":[{"ref":"lib-a"}]},
          {"id":"CVE-5","analysis":{"state":"false_positive"},"affects":[{"ref":"lib-a"}]}
         ]}
        """;
    VulnerabilityReport report = parse(bom);
    assertThat(report.findings())
        .extracting(Fixtures.FIELDS)
        .containsExactly(
            tuple("CVE-1", "c+d", "3.0", Optional.empty(), Severity.CRITICAL, Optional.of(9.1)),
            tuple("CVE-1", "b", "2.0", Optional.of("2.1"), Severity.CRITICAL, Optional.of(9.1)),
            tuple("CVE-3", "a", "1.0", Optional.of("1.1, 1.2"), Severity.UNKNOWN, Optional.empty()),
            tuple("CVE-4", "b", "2.0", Optional.of("2.5"), Severity.UNKNOWN, Optional.empty()));
    assertThat(report.notAffected())
        .extracting(Vulnerability::id, Vulnerability::packageName)
        .containsExactly(tuple("CVE-2", "a"), tuple("CVE-4", "a"), tuple("CVE-5", "a"));
  }

  @Test
  void cycloneDxNeedsItsBomFormatAndAVulnerabilityId() {
    assertThatThrownBy(
            () -> Reports.parse(ReportFormat.CYCLONEDX, stream("{\"bomFormat\":\"SPDX\"}")))
        .isInstanceOf(ReportException.class);
    assertThatThrownBy(() -> parse("{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{}]}"))
        .hasMessage("$.vulnerabilities[0]: 'id' is missing or empty");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{\"id\":\"X\",\"ratings\":[{\"severity\":\"dire\"}]}]}"))
        .hasMessage("$.vulnerabilities[0].ratings[0].severity: 'dire' is not a severity");
  }

  @Test
  void grypeVexIgnoredMatchesAreNotAffectedAndUserIgnoredOnesAreLeftOut() throws IOException {
    String match =
        "{\"vulnerability\":{\"id\":\"CVE-%s\",\"severity\":\"High\",\"fix\":{\"versions\":[\"2\"],"
            + "\"state\":\"%s\"},\"relatedVulnerabilities\":[]},"
            + "\"relatedVulnerabilities\":[{\"id\":\"CVE-%1$s\",\"cvss\":[{\"version\":\"2.0\","
            + "\"metrics\":{\"baseScore\":7.5}}]}],"
            + "\"artifact\":{\"name\":\"p\",\"version\":\"1\"}%s}";
    String report =
        "{\"descriptor\":{\"name\":\"grype\",\"version\":\"0.80.0\",\"timestamp\":"
            + "\"2024-09-03T10:00:00.123456789-07:00\"},\"matches\":["
            + String.format(match, "1", "not-fixed", "")
            + "],\"ignoredMatches\":["
            + String.format(
                match, "2", "fixed", ",\"appliedIgnoreRules\":[{\"vex-status\":\"not_affected\"}]")
            + ","
            + String.format(
                match, "3", "fixed", ",\"appliedIgnoreRules\":[{\"reason\":\"we accept it\"}]")
            + "]}";
    VulnerabilityReport parsed = parse(report);
    assertThat(parsed.scanner()).contains("grype 0.80.0");
    assertThat(parsed.generatedAt())
        .contains(java.time.Instant.parse("2024-09-03T17:00:00.123456789Z"));
    assertThat(parsed.findings())
        .extracting(Vulnerability::id, Vulnerability::fixedVersion, Vulnerability::cvss)
        .containsExactly(tuple("CVE-1", Optional.empty(), Optional.of(7.5)));
    assertThat(parsed.notAffected())
        .extracting(Vulnerability::id, Vulnerability::fixedVersion)
        .containsExactly(tuple("CVE-2", Optional.of("2")));
  }

  @Test
  void harborWithoutSeverityIsUnknownAndReadsACvssObject() throws IOException {
    VulnerabilityReport report =
        parse(harbor("{\"id\":\"CVE-1\",\"package\":\"p\",\"cvss\":{\"score_v2\":4.3}}"));
    assertThat(report.findings())
        .extracting(Vulnerability::severity, Vulnerability::cvss)
        .containsExactly(tuple(Severity.UNKNOWN, Optional.of(4.3)));
    assertThatThrownBy(
            () -> parse(harbor("{\"id\":\"CVE-1\",\"package\":\"p\",\"severity\":\"Bad\"}")))
        .hasMessage("$.vulnerabilities[0].severity: 'Bad' is not a severity");
  }

  private static String trivy(String extra) {
    return "{\"SchemaVersion\":2,\"Results\":[{\"Target\":\"t\",\"Vulnerabilities\":[{"
        + "\"VulnerabilityID\":\"CVE-2024-3094\",\"PkgName\":\"xz-utils\","
        + "\"InstalledVersion\":\"5.6.0\","
        + extra
        + "}]}]}";
  }

  private static String sarif(String rules, String results) {
    return "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\",\"rules\":"
        + rules
        + "}},\"results\":["
        + results
        + "]}]}";
  }

  private static String harbor(String vulnerability) {
    return "{\"generated_at\":\"2024-01-02T03:04:05Z\",\"scanner\":{\"name\":\"s\"},"
        + "\"vulnerabilities\":["
        + vulnerability
        + "]}";
  }

  private static VulnerabilityReport parse(String json) throws IOException {
    return Reports.parse(stream(json));
  }

  private static InputStream stream(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }
}
