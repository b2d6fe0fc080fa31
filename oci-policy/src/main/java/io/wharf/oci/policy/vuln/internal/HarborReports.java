package io.wharf.oci.policy.vuln.internal;

import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.util.Optional;

/**
 * Harbor's vulnerability report ({@code HarborVulnerabilityReport} of the Pluggable Scanner API
 * v1.1 and v1.2; {@code application/vnd.security.vulnerability.report; version=1.1}).
 *
 * <ul>
 *   <li>Every {@code vulnerabilities[]}: {@code id} and {@code package} (required), {@code
 *       version}, {@code fix_version}, {@code severity} ({@code Unknown} … {@code Critical}; absent
 *       is {@code UNKNOWN}), {@code links}.
 *   <li>CVSS: {@code preferred_cvss} ({@code score_v3}, else {@code score_v2}), else an object
 *       {@code cvss} of the same shape, else Trivy's CVSS by vendor as Harbor's Trivy adapter
 *       passes it in {@code vendor_attributes.CVSS}.
 *   <li>{@code generated_at} is when it was generated; the scanner is {@code "<scanner.name>
 *       <scanner.version>"}.
 * </ul>
 */
final class HarborReports {

  private HarborReports() {}

  static VulnerabilityReport parse(Node root) {
    Optional<String> scanner = root.object("scanner").flatMap(Node::nameAndVersion);
    Findings findings = new Findings();
    for (Node v : root.array("vulnerabilities")) {
      v.requireObject();
      Finding finding =
          Finding.read(v, "id", "package", "version", "fix_version", "severity").cvss(cvss(v));
      for (Node link : v.array("links")) {
        finding.reference(link.asText());
      }
      findings.add(finding);
    }
    return new VulnerabilityReport(
        ReportFormat.HARBOR,
        scanner,
        root.timestamp("generated_at"),
        findings.affected(),
        findings.notAffected());
  }

  private static Optional<Double> cvss(Node v) {
    Optional<Node> details = v.object("preferred_cvss");
    if (details.isEmpty()) {
      details = v.object("cvss");
    }
    if (details.isPresent()) {
      Scores scores = new Scores();
      scores.newer(details.get(), details.get().number("score_v3"));
      scores.v2(details.get(), details.get().number("score_v2"));
      if (scores.best().isPresent()) {
        return scores.best();
      }
    }
    return TrivyReports.cvss(v.object("vendor_attributes").flatMap(a -> a.object("CVSS")));
  }
}
