package io.wharf.oci.policy;

/**
 * What a vulnerability rule does with an image that has no vulnerability report, or only one older
 * than the rule's {@code maxReportAge}.
 */
public enum MissingReport {
  /** Deny the pull, saying which rule wants a report ({@code deny}, the default). */
  DENY,
  /** Allow the pull ({@code allow}). */
  ALLOW,
  /** Allow the pull and ask for a scan: {@link Decision#scanRequested()} ({@code scan}). */
  SCAN
}
