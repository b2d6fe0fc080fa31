package io.wharf.oci.policy.vuln.internal;

import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.Severity;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Grype's JSON report ({@code grype -o json}).
 *
 * <ul>
 *   <li>Every {@code matches[]}: {@code vulnerability.id} (required), {@code artifact.name}
 *       (required) and {@code artifact.version}, {@code vulnerability.severity} ({@code Negligible}
 *       … {@code Critical}, {@code Unknown}; absent is {@code UNKNOWN}).
 *   <li>Fixed versions: {@code vulnerability.fix.versions}, joined with {@code ", "}, unless {@code
 *       fix.state} says it is not fixed ({@code not-fixed}, {@code wont-fix}, {@code unknown}).
 *   <li>CVSS: the highest {@code metrics.baseScore} of {@code vulnerability.cvss[]} of version 3 or
 *       later, else of version 2; when the vulnerability has none, those of its {@code
 *       relatedVulnerabilities} (where Grype puts NVD's scores of a distribution's advisory).
 *   <li>References: {@code vulnerability.dataSource}, then {@code vulnerability.urls}.
 *   <li>{@code ignoredMatches[]} whose applied ignore rules carry a VEX status {@code not_affected}
 *       or {@code fixed} are reported as not affected; matches ignored by the user's own rules are
 *       not reported at all, as Grype does not.
 *   <li>{@code descriptor.timestamp} is when it was generated; the scanner is {@code
 *       "<descriptor.name> <descriptor.version>"}.
 * </ul>
 */
final class GrypeReports {

  private GrypeReports() {}

  static VulnerabilityReport parse(Node root) {
    Node descriptor =
        root.object("descriptor").orElseThrow(() -> root.error("'descriptor' is missing"));
    Optional<String> scanner = descriptor.nameAndVersion();
    Findings findings = new Findings();
    for (Node match : root.array("matches")) {
      findings.add(finding(match));
    }
    for (Node ignored : root.array("ignoredMatches")) {
      if (vexNotAffected(ignored)) {
        findings.addNotAffected(finding(ignored));
      }
    }
    return new VulnerabilityReport(
        ReportFormat.GRYPE,
        scanner,
        descriptor.timestamp("timestamp"),
        findings.affected(),
        findings.notAffected());
  }

  private static Finding finding(Node match) {
    match.requireObject();
    Node vulnerability =
        match.object("vulnerability").orElseThrow(() -> match.error("'vulnerability' is missing"));
    Node artifact =
        match.object("artifact").orElseThrow(() -> match.error("'artifact' is missing"));
    Finding finding =
        new Finding(vulnerability, vulnerability.required("id"))
            .packageName(artifact.required("name"))
            .installedVersion(artifact.text("version").orElse(""))
            .fixedVersion(fixedVersions(vulnerability))
            .severity(Scores.severityOf(vulnerability, "severity").orElse(Severity.UNKNOWN));
    Scores scores = new Scores();
    addScores(vulnerability, scores);
    if (scores.best().isEmpty()) {
      for (Node related : match.array("relatedVulnerabilities")) {
        related.requireObject();
        addScores(related, scores);
      }
    }
    finding.cvss(scores.best());
    vulnerability.nonBlank("dataSource").ifPresent(finding::reference);
    for (Node url : vulnerability.array("urls")) {
      finding.reference(url.asText());
    }
    return finding;
  }

  private static Optional<String> fixedVersions(Node vulnerability) {
    Optional<Node> fix = vulnerability.object("fix");
    if (fix.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> state = fix.get().nonBlank("state");
    if (state.isPresent() && !state.get().equals("fixed")) {
      return Optional.empty();
    }
    List<String> versions = new ArrayList<>();
    for (Node version : fix.get().array("versions")) {
      versions.add(version.asText());
    }
    return Optional.of(String.join(",", versions));
  }

  private static void addScores(Node vulnerability, Scores scores) {
    for (Node cvss : vulnerability.array("cvss")) {
      cvss.requireObject();
      Optional<Double> base = cvss.object("metrics").flatMap(m -> m.number("baseScore"));
      if (cvss.nonBlank("version").filter(v -> v.startsWith("2")).isPresent()) {
        scores.v2(cvss, base);
      } else {
        scores.newer(cvss, base);
      }
    }
  }

  private static boolean vexNotAffected(Node ignored) {
    ignored.requireObject();
    for (Node rule : ignored.array("appliedIgnoreRules")) {
      rule.requireObject();
      Optional<String> status = rule.nonBlank("vex-status");
      if (status.isPresent()
          && (status.get().equals("not_affected") || status.get().equals("fixed"))) {
        return true;
      }
    }
    return false;
  }
}
