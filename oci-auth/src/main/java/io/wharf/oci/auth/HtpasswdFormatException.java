package io.wharf.oci.auth;

/**
 * An htpasswd file Wharf does not accept: a line that is not {@code user:bcrypt-hash}, a hash of
 * another kind, a user named twice, a file too large or not UTF-8. The message names the line and
 * the problem, never a hash or a password.
 */
public final class HtpasswdFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final String problem;

  /**
   * At {@code line} (1-based; 0 for the file as a whole), because of {@code problem}.
   *
   * @param line the line number, or 0
   * @param problem what is wrong, without secrets
   */
  public HtpasswdFormatException(int line, String problem) {
    super(line > 0 ? "line " + line + ": " + problem : problem);
    this.line = line;
    this.problem = problem;
  }

  private HtpasswdFormatException(String source, int line, String problem) {
    super(source + (line > 0 ? ", line " + line + ": " : ": ") + problem);
    this.line = line;
    this.problem = problem;
  }

  /** What is wrong, without the line number. */
  String problem() {
    return problem;
  }

  /** This problem, with a message that also names {@code source} (the file). */
  HtpasswdFormatException in(String source) {
    return new HtpasswdFormatException(source, line, problem);
  }

  /** The 1-based line number the problem is on, or 0 when it concerns the whole file. */
  public int line() {
    return line;
  }
}
