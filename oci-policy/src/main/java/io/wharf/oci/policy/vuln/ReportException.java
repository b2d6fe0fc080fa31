package io.wharf.oci.policy.vuln;

/**
 * A vulnerability report that cannot be read: not JSON, too large or too deep, not a format Wharf
 * reads, or a field with a value its format does not allow. The message says what is wrong and
 * where (a JSON path such as {@code $.Results[0].Vulnerabilities[3].Severity}, or the line and
 * column of a syntax error).
 *
 * <p>Unchecked, like oci-model's {@code InvalidContentException}: a bad report is content that said
 * no, not bytes that could not move ({@link java.io.IOException} stays for those), and most callers
 * (a policy over cached facts) pass it on; {@link ReferrerReports} catches it to fall back to an
 * older report.
 */
public final class ReportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A report that cannot be read, for the reason and place {@code message} says. */
  public ReportException(String message) {
    super(message);
  }

  /**
   * A report that cannot be read, for the reason and place {@code message} says, after {@code
   * cause}.
   */
  public ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
