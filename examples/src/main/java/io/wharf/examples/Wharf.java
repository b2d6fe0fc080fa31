package io.wharf.examples;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code wharf} program: {@code wharf serve} runs a registry, {@code wharf fsck} checks a data
 * folder, {@code wharf copy}, {@code inspect}, {@code tags} and {@code delete} use the client.
 * {@link #main} is the entry point of {@code examples/target/wharf.jar}, which the {@code wharf}
 * script at the repository root runs.
 */
@Command(
    name = "wharf",
    mixinStandardHelpOptions = true,
    versionProvider = Wharf.Version.class,
    subcommands = {
      ServeCommand.class,
      FsckCommand.class,
      CopyCommand.class,
      InspectCommand.class,
      TagsCommand.class,
      DeleteCommand.class,
      CommandLine.HelpCommand.class
    },
    description = "An OCI registry on the JVM.")
public final class Wharf implements Runnable {

  @Spec CommandSpec spec;

  /** Runs the command line {@code args} and exits with its status. */
  public static void main(String[] args) {
    int status = commandLine().execute(args);
    DeferredStderr.flushIfDeferred();
    System.exit(status);
  }

  /** The program's command line, ready to {@link CommandLine#execute execute}. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Wharf());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("wharf " + commandLine.getCommandName() + ": " + e);
          e.printStackTrace(err);
          err.flush();
          return 1;
        });
    return cli;
  }

  /** Without a subcommand: the usage, and status 2. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing a command: serve, fsck, copy, inspect, tags or delete");
  }

  /** The program's version, from the jar's manifest; {@code dev} outside the jar. */
  static String version() {
    String v = Wharf.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Supplies {@code --version}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"wharf " + version()};
    }
  }
}
