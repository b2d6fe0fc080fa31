package io.wharf.oci.policy.vuln;

/** The vulnerability report formats Wharf reads. */
public enum ReportFormat {
  /** Trivy's JSON report ({@code trivy image --format json}, schema version 2). */
  TRIVY,
  /** SARIF 2.1.0, as Trivy and Grype write it. */
  SARIF,
  /** CycloneDX JSON with a {@code vulnerabilities} array, VEX documents included. */
  CYCLONEDX,
  /** Grype's JSON report ({@code grype -o json}). */
  GRYPE,
  /** Harbor's {@code application/vnd.security.vulnerability.report; version=1.1}. */
  HARBOR
}
