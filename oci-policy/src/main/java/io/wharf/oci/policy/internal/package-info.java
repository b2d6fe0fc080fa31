/**
 * Not exported: how policy documents are read into a tree of nodes with their lines (SnakeYAML for
 * YAML, Jackson for JSON), and small helpers of the loader and the decisions.
 */
@NullMarked
package io.wharf.oci.policy.internal;

import org.jspecify.annotations.NullMarked;
