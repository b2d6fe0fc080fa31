/**
 * The policy engine's API: {@link io.wharf.oci.policy.PolicyContext} (facts in), {@link
 * io.wharf.oci.policy.Decision} and {@link io.wharf.oci.policy.Reason} (a decision with every
 * reason out). Policies are documents read by {@link io.wharf.oci.policy.PolicyLoader} (the format
 * is in its documentation and in {@code POLICY.md}), combined into a {@link
 * io.wharf.oci.policy.PolicySet} that makes the decisions (vulnerability gates on pull, tag
 * immutability on push and delete, quotas), and kept in force by {@link
 * io.wharf.oci.policy.Policies}, which replaces them atomically. Names are matched with {@link
 * io.wharf.oci.policy.Glob}.
 */
@NullMarked
package io.wharf.oci.policy;

import org.jspecify.annotations.NullMarked;
