package io.wharf.oci.policy.vuln;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.assertj.core.groups.Tuple;

/** The scan-report fixtures under {@code src/test/resources/scan-reports} (see PROVENANCE.md). */
final class Fixtures {

  /** Every fixture, by its path under {@code scan-reports/}. */
  static final List<String> ALL =
      List.of(
          "trivy/alpine-310.json.golden",
          "trivy/alpine-310.sarif.golden",
          "trivy/alpine-39-high-critical.json.golden",
          "trivy/debian-buster.json.golden",
          "trivy/npm-cyclonedx.json.golden",
          "trivy/pom-cyclonedx.json.golden",
          "grype/TestJsonImgsPresenter.golden",
          "grype/TestSarifPresenter_image.golden",
          "grype/TestCycloneDxPresenterImage.golden",
          "cyclonedx/sbom-cern-lhc-vdm-editor.json",
          "cyclonedx/vex-cisa-case-2.json",
          "cyclonedx/vex-use-case-1.json",
          "harbor/wharf-written-harbor-report-v1.1-from-openapi-examples.json");

  /** A finding's fields but its references, for {@code extracting(Fixtures.FIELDS)}. */
  static final Function<Vulnerability, Tuple> FIELDS =
      v ->
          Tuple.tuple(
              v.id(),
              v.packageName(),
              v.installedVersion(),
              v.fixedVersion(),
              v.severity(),
              v.cvss());

  private Fixtures() {}

  /**
   * The two findings of Grype's presenter snapshots (CVE-1999-0001 in package-1 1.1.1, low, 8.2;
   * CVE-1999-0002 in package-2 2.2.2, critical, 8.5, unfixed), without references; the first with
   * {@code fixed} as its fixed version.
   */
  static List<Vulnerability> grypeSnapshotFindings(Optional<String> fixed) {
    return List.of(
        new Vulnerability(
            "CVE-1999-0001",
            "package-1",
            "1.1.1",
            fixed,
            Severity.LOW,
            Optional.of(8.2),
            List.of()),
        new Vulnerability(
            "CVE-1999-0002",
            "package-2",
            "2.2.2",
            Optional.empty(),
            Severity.CRITICAL,
            Optional.of(8.5),
            List.of()));
  }

  /** The fixture's bytes. */
  static byte[] bytes(String path) {
    try (InputStream in = open(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture as a stream. */
  static InputStream open(String path) {
    InputStream in = Fixtures.class.getResourceAsStream("/scan-reports/" + path);
    if (in == null) {
      throw new IllegalArgumentException("no fixture " + path);
    }
    return in;
  }

  /** The fixture, parsed by format detection. */
  static VulnerabilityReport parse(String path) {
    try (InputStream in = open(path)) {
      return Reports.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
