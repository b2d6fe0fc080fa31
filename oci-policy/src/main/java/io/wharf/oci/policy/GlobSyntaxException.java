package io.wharf.oci.policy;

/**
 * A {@link Glob} pattern that cannot be compiled: an unclosed {@code [} or <code>{</code>, a
 * dangling {@code \}, a reversed range, an empty or over-long pattern. The message names the
 * problem and the index where it is.
 */
public final class GlobSyntaxException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String pattern;
  private final int index;
  private final String problem;

  /**
   * A syntax error.
   *
   * @param pattern the pattern
   * @param index where the problem is, 0-based
   * @param problem what is wrong, e.g. {@code unclosed '['}
   */
  public GlobSyntaxException(String pattern, int index, String problem) {
    super(problem + " at index " + index + " of pattern '" + abbreviate(pattern) + "'");
    this.pattern = pattern;
    this.index = index;
    this.problem = problem;
  }

  /** The pattern. */
  public String pattern() {
    return pattern;
  }

  /** Where the problem is in the pattern, 0-based. */
  public int index() {
    return index;
  }

  /** What is wrong, without the position: {@code unclosed '['}. */
  public String problem() {
    return problem;
  }

  private static String abbreviate(String pattern) {
    return pattern.length() <= 80 ? pattern : pattern.substring(0, 77) + "...";
  }
}
