/**
 * How each report format is read into {@link io.wharf.oci.policy.vuln.VulnerabilityReport}: one
 * class per format over a bounded JSON tree ({@link io.wharf.oci.policy.vuln.internal.Node}). Not
 * exported; {@link io.wharf.oci.policy.vuln.Reports} is the API.
 */
@NullMarked
package io.wharf.oci.policy.vuln.internal;

import org.jspecify.annotations.NullMarked;
