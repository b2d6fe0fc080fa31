package io.wharf.cli;

import java.io.PrintWriter;

/** One of the {@code wharf} program's commands: its syntax, and running it. */
interface Command {

  /** The command's name, description, parameters and options. */
  Cli.Syntax syntax();

  /**
   * Runs the command with {@code args}, already checked against {@link #syntax()}.
   *
   * @return the exit status: 0 done, 1 failed, 2 bad arguments (the command's own checks)
   * @throws Cli.UsageError when a value is not what the option takes
   * @throws Exception when the command fails unexpectedly; the program prints it and exits 1
   */
  int run(Cli.Args args, PrintWriter out, PrintWriter err) throws Exception;
}
