/**
 * The policy engine's API: {@link io.wharf.oci.policy.PolicyContext} (facts in), {@link
 * io.wharf.oci.policy.Decision} and {@link io.wharf.oci.policy.Reason} (a decision with every
 * reason out).
 */
@NullMarked
package io.wharf.oci.policy;

import org.jspecify.annotations.NullMarked;
