package io.wharf.oci.policy.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scan-report fixture normalises to what its README entry says and to the facts read in the
 * file itself (counts, exact findings with every field, severities, fixed versions, VEX).
 */
class ReportsFixturesTest {

  private static final Instant TRIVY_CREATED = Instant.parse("2021-08-25T12:20:30.000000005Z");

  static List<String> fixtures() {
    return Fixtures.ALL;
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void everyFixtureIsDetectedAsItsFormatAndParsesAsItDeclared(String path) throws Exception {
    ReportFormat expected = expectedFormat(path);
    VulnerabilityReport detected = Fixtures.parse(path);
    assertThat(detected.format()).isEqualTo(expected);
    VulnerabilityReport declared =
        Reports.parse(expected, new ByteArrayInputStream(Fixtures.bytes(path)));
    assertThat(declared).isEqualTo(detected);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void declaringAnotherFormatIsRefusedNamingBoth(String path) {
    ReportFormat actual = expectedFormat(path);
    ReportFormat other = actual == ReportFormat.TRIVY ? ReportFormat.GRYPE : ReportFormat.TRIVY;
    Assertions.assertThatThrownBy(
            () -> Reports.parse(other, new ByteArrayInputStream(Fixtures.bytes(path))))
        .isInstanceOf(ReportException.class)
        .hasMessage("$: the report was declared " + other + " but is " + actual);
  }

  // Trivy JSON

  @Test
  void trivyAlpine310HasFourMediumOpensslFindingsWithFixes() {
    VulnerabilityReport report = Fixtures.parse("trivy/alpine-310.json.golden");
    assertThat(report.scanner()).contains("Trivy dev");
    assertThat(report.generatedAt()).contains(TRIVY_CREATED);
    assertThat(report.notAffected()).isEmpty();
    assertThat(report.findings())
        .extracting(Fixtures.FIELDS)
        .containsExactly(
            tuple(
                "CVE-2019-1549",
                "libcrypto1.1",
                "1.1.1c-r0",
                Optional.of("1.1.1d-r0"),
                Severity.MEDIUM,
                Optional.of(5.3)),
            tuple(
                "CVE-2019-1551",
                "libcrypto1.1",
                "1.1.1c-r0",
                Optional.of("1.1.1d-r2"),
                Severity.MEDIUM,
                Optional.of(5.3)),
            tuple(
                "CVE-2019-1549",
                "libssl1.1",
                "1.1.1c-r0",
                Optional.of("1.1.1d-r0"),
                Severity.MEDIUM,
                Optional.of(5.3)),
            tuple(
                "CVE-2019-1551",
                "libssl1.1",
                "1.1.1c-r0",
                Optional.of("1.1.1d-r2"),
                Severity.MEDIUM,
                Optional.of(5.3)));
    Vulnerability first = report.findings().get(0);
    assertThat(first.references()).hasSize(21);
    assertThat(first.references().get(0)).isEqualTo("https://avd.aquasec.com/nvd/cve-2019-1549");
    assertThat(first.references().get(1))
        .isEqualTo("https://access.redhat.com/security/cve/CVE-2019-1549");
    assertThat(report.findings().get(1).references()).hasSize(31);
  }

  @Test
  void trivyDebianBusterHasAnUnfixedLowAndAFixedCritical() {
    VulnerabilityReport report = Fixtures.parse("trivy/debian-buster.json.golden");
    assertThat(report.findings())
        .containsExactly(
            new Vulnerability(
                "CVE-2019-18276",
                "bash",
                "5.0-4",
                Optional.empty(),
                Severity.LOW,
                Optional.of(7.8),
                report.findings().get(0).references()),
            new Vulnerability(
                "CVE-2019-18224",
                "libidn2-0",
                "2.0.5-1",
                Optional.of("2.0.5-1+deb10u1"),
                Severity.CRITICAL,
                Optional.of(9.8),
                report.findings().get(1).references()));
    assertThat(report.findings().get(0).fixable()).isFalse();
    assertThat(report.findings().get(0).references())
        .hasSize(12)
        .startsWith(
            "https://avd.aquasec.com/nvd/cve-2019-18276",
            "http://packetstormsecurity.com/files/155498/Bash-5.0-Patch-11-Privilege-Escalation.html");
    assertThat(report.findings().get(1).references()).hasSize(15);
  }

  @Test
  void trivyAlpine39HighCriticalHasMuslAndMuslUtils() {
    VulnerabilityReport report = Fixtures.parse("trivy/alpine-39-high-critical.json.golden");
    assertThat(report.findings()).containsExactly(musl("musl"), musl("musl-utils"));
  }

  private static Vulnerability musl(String pkg) {
    return new Vulnerability(
        "CVE-2019-14697",
        pkg,
        "1.1.20-r4",
        Optional.of("1.1.20-r5"),
        Severity.CRITICAL,
        Optional.of(9.8),
        List.of(
            "https://avd.aquasec.com/nvd/cve-2019-14697",
            "http://www.openwall.com/lists/oss-security/2019/08/06/4",
            "https://security.gentoo.org/glsa/202003-13",
            "https://www.openwall.com/lists/musl/2019/08/06/1"));
  }

  // SARIF

  @Test
  void trivySarifGivesTheSameFindingsAsTrivyJson() {
    VulnerabilityReport sarif = Fixtures.parse("trivy/alpine-310.sarif.golden");
    VulnerabilityReport json = Fixtures.parse("trivy/alpine-310.json.golden");
    assertThat(sarif.format()).isEqualTo(ReportFormat.SARIF);
    assertThat(sarif.scanner()).contains("Trivy dev");
    assertThat(sarif.generatedAt()).isEmpty();
    assertThat(sarif.findings()).hasSize(4);
    assertThat(sarif.findings())
        .extracting(ReportsFixturesTest::withoutReferences)
        .containsExactlyElementsOf(
            json.findings().stream().map(ReportsFixturesTest::withoutReferences).toList());
    assertThat(sarif.findings().get(0).references())
        .containsExactly("https://avd.aquasec.com/nvd/cve-2019-1549");
  }

  @Test
  void grypeSarifGivesTheSameFindingsAsGrypeJsonDespiteItsSecuritySeverity() {
    VulnerabilityReport sarif = Fixtures.parse("grype/TestSarifPresenter_image.golden");
    VulnerabilityReport json = Fixtures.parse("grype/TestJsonImgsPresenter.golden");
    assertThat(sarif.scanner()).contains("grype 0.0.0-dev");
    // The rule ids are "CVE-1999-0001-package-1"; the id is the help text's "Vulnerability" line.
    // security-severity is 8.2 but Grype rates it low: the scanner's rating wins.
    assertThat(sarif.findings())
        .isEqualTo(Fixtures.grypeSnapshotFindings(Optional.of("1.2.1, 2.1.3, 3.4.0")));
    assertThat(sarif.findings()).isEqualTo(json.findings());
  }

  // Grype JSON

  @Test
  void grypeJsonHasTwoMatches() {
    VulnerabilityReport report = Fixtures.parse("grype/TestJsonImgsPresenter.golden");
    assertThat(report.format()).isEqualTo(ReportFormat.GRYPE);
    assertThat(report.scanner()).contains("grype [not provided]");
    assertThat(report.generatedAt()).isEmpty();
    assertThat(report.notAffected()).isEmpty();
    assertThat(report.findings())
        .extracting(Vulnerability::id, Vulnerability::fixedVersion, Vulnerability::severity)
        .containsExactly(
            tuple("CVE-1999-0001", Optional.of("1.2.1, 2.1.3, 3.4.0"), Severity.LOW),
            tuple("CVE-1999-0002", Optional.empty(), Severity.CRITICAL));
  }

  // CycloneDX

  @Test
  void grypeCycloneDxResolvesBomRefsAndIgnoresEpssAndKevScores() {
    VulnerabilityReport report = Fixtures.parse("grype/TestCycloneDxPresenterImage.golden");
    assertThat(report.scanner()).contains("grype [not provided]");
    assertThat(report.generatedAt()).contains(Instant.parse("2026-03-19T15:34:26Z"));
    // CycloneDX carries no fixed version here
    assertThat(report.findings()).isEqualTo(Fixtures.grypeSnapshotFindings(Optional.empty()));
  }

  @Test
  void trivyNpmCycloneDxHasOneJqueryFindingFixedBy340() {
    VulnerabilityReport report = Fixtures.parse("trivy/npm-cyclonedx.json.golden");
    assertThat(report.scanner()).contains("trivy dev");
    assertThat(report.generatedAt()).contains(Instant.parse("2021-08-25T12:20:30Z"));
    assertThat(report.findings()).hasSize(1);
    Vulnerability jquery = report.findings().get(0);
    assertThat(jquery.id()).isEqualTo("CVE-2019-11358");
    assertThat(jquery.packageName()).isEqualTo("jquery");
    assertThat(jquery.installedVersion()).isEqualTo("3.3.9");
    assertThat(jquery.fixedVersion()).contains("3.4.0");
    // ratings: medium from most sources, low from ubuntu; CVSS v3.1 6.1 beats redhat's 5.6 and
    // the v2 4.3
    assertThat(jquery.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(jquery.cvss()).contains(6.1);
    // 80 advisories: the first 32 are kept
    assertThat(jquery.references()).hasSize(Reports.MAX_REFERENCES);
    assertThat(jquery.references().get(0)).isEqualTo("https://avd.aquasec.com/nvd/cve-2019-11358");
  }

  @Test
  void trivyPomCycloneDxHasTwoJacksonFindings() {
    VulnerabilityReport report = Fixtures.parse("trivy/pom-cyclonedx.json.golden");
    assertThat(report.findings())
        .extracting(Fixtures.FIELDS)
        .containsExactly(
            tuple(
                "CVE-2020-9548",
                "jackson-databind",
                "2.9.1",
                Optional.of("2.9.10.4"),
                Severity.CRITICAL,
                Optional.of(9.8)),
            tuple(
                "CVE-2021-20190",
                "jackson-databind",
                "2.9.1",
                Optional.of("2.9.10.7"),
                Severity.HIGH,
                Optional.of(8.1)));
    assertThat(report.findings().get(0).references())
        .hasSize(21)
        .startsWith("https://avd.aquasec.com/nvd/cve-2020-9548")
        .endsWith("https://github.com/advisories?query=type%3Areviewed+ecosystem%3Amaven");
  }

  @Test
  void vexUseCase1MarksItsOnlyFindingNotAffected() {
    VulnerabilityReport report = Fixtures.parse("cyclonedx/vex-use-case-1.json");
    assertThat(report.findings()).isEmpty();
    assertThat(report.scanner()).isEmpty();
    assertThat(report.generatedAt()).contains(Instant.parse("2022-01-13T00:00:00Z"));
    // affects "acme-product" is metadata.component; NVD rates it high 7.5, Acme none 0.0
    assertThat(report.notAffected())
        .containsExactly(
            new Vulnerability(
                "CVE-2020-25649",
                "Acme Product",
                "2.4.0",
                Optional.empty(),
                Severity.HIGH,
                Optional.of(7.5),
                List.of("https://nvd.nist.gov/vuln/detail/CVE-2020-25649")));
  }

  @Test
  void vexCisaCase2MarksAllNineteenNotAffected() {
    VulnerabilityReport report = Fixtures.parse("cyclonedx/vex-cisa-case-2.json");
    assertThat(report.findings()).isEmpty();
    assertThat(report.generatedAt()).contains(Instant.parse("2022-03-03T00:00:00Z"));
    assertThat(report.notAffected()).hasSize(19);
    assertThat(report.notAffected())
        .extracting(Vulnerability::id)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(11896, 11914).mapToObj(n -> "CVE-2020-" + n).toList());
    assertThat(report.notAffected())
        .allSatisfy(
            v -> {
              assertThat(v.packageName()).isEqualTo("ABC");
              assertThat(v.installedVersion()).isEqualTo("4.2");
              assertThat(v.severity()).isEqualTo(Severity.NONE);
              assertThat(v.cvss()).contains(0.0);
              assertThat(v.references())
                  .containsExactly("https://nvd.nist.gov/vuln/detail/" + v.id());
            });
  }

  @Test
  void sbomWithoutVulnerabilitiesIsAReportWithoutFindings() {
    VulnerabilityReport report = Fixtures.parse("cyclonedx/sbom-cern-lhc-vdm-editor.json");
    assertThat(report.format()).isEqualTo(ReportFormat.CYCLONEDX);
    assertThat(report.findings()).isEmpty();
    assertThat(report.notAffected()).isEmpty();
    assertThat(report.scanner()).contains("Node.js module 2.0.0");
    assertThat(report.generatedAt()).contains(Instant.parse("2020-08-03T01:28:52.765Z"));
  }

  // Harbor (our own file, from the OpenAPI schema's examples)

  @Test
  void harborReportFromTheSchemaExamples() {
    VulnerabilityReport report =
        Fixtures.parse("harbor/wharf-written-harbor-report-v1.1-from-openapi-examples.json");
    assertThat(report.format()).isEqualTo(ReportFormat.HARBOR);
    assertThat(report.scanner()).contains("Trivy 0.4.0");
    assertThat(report.generatedAt()).contains(Instant.parse("2020-01-13T09:46:20.183Z"));
    // the repeated dpkg finding is one
    assertThat(report.findings())
        .containsExactly(
            new Vulnerability(
                "CVE-2017-8283",
                "dpkg",
                "1.17.27",
                Optional.of("1.18.0"),
                Severity.LOW,
                Optional.of(3.2),
                List.of("https://security-tracker.debian.org/tracker/CVE-2017-8283")),
            new Vulnerability(
                "CVE-2024-3094",
                "xz-utils",
                "5.6.0",
                Optional.empty(),
                Severity.CRITICAL,
                Optional.of(10.0),
                List.of()));
  }

  private static Vulnerability withoutReferences(Vulnerability v) {
    return new Vulnerability(
        v.id(),
        v.packageName(),
        v.installedVersion(),
        v.fixedVersion(),
        v.severity(),
        v.cvss(),
        List.of());
  }

  private static ReportFormat expectedFormat(String path) {
    if (path.endsWith(".sarif.golden") || path.contains("Sarif")) {
      return ReportFormat.SARIF;
    }
    if (path.startsWith("cyclonedx/") || path.contains("cyclonedx") || path.contains("CycloneDx")) {
      return ReportFormat.CYCLONEDX;
    }
    if (path.startsWith("trivy/")) {
      return ReportFormat.TRIVY;
    }
    if (path.startsWith("grype/")) {
      return ReportFormat.GRYPE;
    }
    return ReportFormat.HARBOR;
  }
}
