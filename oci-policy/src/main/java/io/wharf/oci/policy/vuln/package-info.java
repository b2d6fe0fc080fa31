/**
 * Vulnerability reports in one model: {@link io.wharf.oci.policy.vuln.VulnerabilityReport} of
 * {@link io.wharf.oci.policy.vuln.Vulnerability} findings, read from Trivy JSON, SARIF, CycloneDX
 * (with VEX), Grype JSON and Harbor's report.
 */
@NullMarked
package io.wharf.oci.policy.vuln;

import org.jspecify.annotations.NullMarked;
