package io.wharf.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * What one in-process run of the program ({@link Wharf#run}) printed and returned.
 *
 * @param status the exit status
 * @param out what it printed on standard output
 * @param err what it printed on standard error
 */
record WharfRun(int status, String out, String err) {

  /** Runs the command line {@code args} in this JVM. */
  static WharfRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Wharf.run(List.of(args), new PrintWriter(out, true), new PrintWriter(err, true));
    return new WharfRun(status, out.toString(), err.toString());
  }
}
