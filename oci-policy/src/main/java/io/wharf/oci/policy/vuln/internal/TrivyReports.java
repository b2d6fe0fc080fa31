package io.wharf.oci.policy.vuln.internal;

import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import java.util.Optional;

/**
 * Trivy's JSON report, schema version 2 ({@code trivy image --format json}).
 *
 * <ul>
 *   <li>Every {@code Results[].Vulnerabilities[]}: {@code VulnerabilityID} (required), {@code
 *       PkgName} (required), {@code InstalledVersion}, {@code FixedVersion}, {@code Severity}
 *       (Trivy's own rating; absent is {@code UNKNOWN}, a name Trivy does not use is an error).
 *   <li>CVSS: the highest {@code V3Score} or {@code V40Score} across the sources of {@code CVSS};
 *       {@code V2Score} only when no source has a newer one.
 *   <li>References: {@code PrimaryURL} first, then {@code References}.
 *   <li>A finding whose {@code Status} is {@code not_affected} is reported as not affected.
 *   <li>{@code CreatedAt} is when it was generated; the scanner is {@code "Trivy <Trivy.Version>"}.
 *   <li>Misconfigurations, secrets and licenses are not vulnerabilities and are ignored.
 * </ul>
 */
final class TrivyReports {

  private TrivyReports() {}

  static VulnerabilityReport parse(Node root) {
    Node version =
        root.member("SchemaVersion").orElseThrow(() -> root.error("'SchemaVersion' is missing"));
    long schema = root.integer("SchemaVersion").orElseThrow();
    if (schema != 2) {
      throw version.error("schema version " + schema + " is not supported (Wharf reads 2)");
    }
    String scanner =
        "Trivy"
            + root.object("Trivy").flatMap(t -> t.nonBlank("Version")).map(v -> " " + v).orElse("");
    Findings findings = new Findings();
    for (Node result : root.array("Results")) {
      result.requireObject();
      for (Node v : result.array("Vulnerabilities")) {
        v.requireObject();
        Finding finding =
            Finding.read(
                    v, "VulnerabilityID", "PkgName", "InstalledVersion", "FixedVersion", "Severity")
                .cvss(cvss(v.object("CVSS")));
        v.nonBlank("PrimaryURL").ifPresent(finding::reference);
        for (Node url : v.array("References")) {
          finding.reference(url.asText());
        }
        if (v.nonBlank("Status").filter("not_affected"::equals).isPresent()) {
          findings.addNotAffected(finding);
        } else {
          findings.add(finding);
        }
      }
    }
    return new VulnerabilityReport(
        ReportFormat.TRIVY,
        Optional.of(scanner),
        root.timestamp("CreatedAt"),
        findings.affected(),
        findings.notAffected());
  }

  /**
   * The score of Trivy's {@code CVSS} object (vendor to {@code V2Score}, {@code V3Score}, {@code
   * V40Score}), as Harbor's Trivy adapter also passes it in {@code vendor_attributes}.
   */
  static Optional<Double> cvss(Optional<Node> byVendor) {
    if (byVendor.isEmpty()) {
      return Optional.empty();
    }
    Scores scores = new Scores();
    Node vendors = byVendor.get();
    for (String vendor : vendors.names()) {
      Node scored = vendors.object(vendor).orElse(null);
      if (scored == null) {
        continue;
      }
      scores.newer(scored, scored.number("V3Score"));
      scores.newer(scored, scored.number("V40Score"));
      scores.v2(scored, scored.number("V2Score"));
    }
    return scores.best();
  }
}
