/**
 * A client for Harbor's Pluggable Scanner API, versions 1.1 and 1.2
 * (goharbor/pluggable-scanner-spec {@code scanner-adapter-openapi-v1.1.yaml} and {@code
 * -v1.2.yaml}), so that any scanner adapter Harbor can use (Trivy's, Clair's, …) scans what Wharf
 * stores: {@link io.wharf.oci.policy.scanner.ScannerClient} asks for the adapter's {@linkplain
 * io.wharf.oci.policy.scanner.ScannerClient#metadata() metadata}, {@linkplain
 * io.wharf.oci.policy.scanner.ScannerClient#scan requests a scan} and {@linkplain
 * io.wharf.oci.policy.scanner.ScannerClient#awaitReport polls for its report}. Reports come back as
 * bytes with their media type; {@code io.wharf.oci.policy.vuln} reads them.
 *
 * <p>Everything an adapter sends is bounded (bytes, nesting, counts, string lengths) and validated;
 * every failure is a {@link io.wharf.oci.policy.scanner.ScannerException} whose message names the
 * adapter, the operation and what went wrong, and never an authorization value.
 */
@NullMarked
package io.wharf.oci.policy.scanner;

import org.jspecify.annotations.NullMarked;
