package io.wharf.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * The {@code wharf} program: {@code wharf serve} runs a registry, {@code wharf fsck} checks a data
 * folder, {@code wharf gc} collects its garbage (or a running registry's), {@code wharf retention}
 * applies the retention rules of the policies to it (or to a running registry), {@code wharf copy},
 * {@code inspect}, {@code tags} and {@code delete} use the client, {@code wharf verify} judges an
 * image on any registry by the policies, and {@code wharf create-image} makes a small image to try
 * them with. {@link #main} is the entry point of {@code wharf-cli/target/wharf.jar}, which the
 * {@code wharf} script at the repository root runs.
 */
public final class Wharf {

  private static final String DATE_TIME_KEY = "org.slf4j.simpleLogger.showDateTime";
  private static final String DATE_FORMAT_KEY = "org.slf4j.simpleLogger.dateTimeFormat";
  private static final String DATE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
  private static final String COMMAND_LIST =
      "serve, fsck, gc, retention, copy, inspect, tags, delete, verify or create-image";

  private Wharf() {}

  /** Runs the command line {@code args} and exits with its status. */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("serve")) {
      // The registry's log lines carry timestamps. Client commands log only the odd warning and
      // go without: slf4j-simple builds a SimpleDateFormat whenever a format is set, which loads
      // calendar and locale data, a noticeable part of a short command's run.
      System.setProperty(DATE_TIME_KEY, System.getProperty(DATE_TIME_KEY, "true"));
      System.setProperty(DATE_FORMAT_KEY, System.getProperty(DATE_FORMAT_KEY, DATE_FORMAT));
    }
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, UTF_8), true);
    int status = run(List.of(args), out, err);
    out.flush();
    err.flush();
    DeferredStderr.flushIfDeferred();
    System.exit(status);
  }

  /**
   * Runs the command line {@code args}, printing to {@code out} and {@code err}.
   *
   * @return the exit status: 0 done, 1 failed, 2 bad arguments
   */
  static int run(List<String> args, PrintWriter out, PrintWriter err) {
    String first = args.isEmpty() ? "" : args.get(0);
    switch (first) {
      case "" -> {
        err.println("Missing a command: " + COMMAND_LIST);
        err.print(usage());
        return 2;
      }
      case "-h", "--help" -> {
        out.print(usage());
        return 0;
      }
      case "-V", "--version" -> {
        out.println("wharf " + version());
        return 0;
      }
      case "help" -> {
        Optional<Command> about = args.size() > 1 ? command(args.get(1)) : Optional.empty();
        out.print(about.map(c -> Cli.usage("wharf", c.syntax())).orElseGet(Wharf::usage));
        return 0;
      }
      case "cds-training" -> {
        // Not a user command: the launcher records its class-data sharing archive from it.
        try {
          return CdsTraining.run(err);
        } catch (IOException | RuntimeException e) {
          err.println("wharf cds-training: " + e);
          return 1;
        } finally {
          err.flush();
        }
      }
      default -> {
        // Only the command named is built: nothing else is loaded for it.
      }
    }
    Optional<Command> found = command(first);
    if (found.isEmpty()) {
      err.println("Unknown command: '" + Cli.shown(first) + "' (commands: " + COMMAND_LIST + ")");
      err.print(usage());
      return 2;
    }
    Command command = found.get();
    Cli.Syntax syntax = command.syntax();
    try {
      Cli.Args parsed = Cli.parse(syntax, args.subList(1, args.size()));
      if (parsed.flag(Cli.HELP)) {
        out.print(Cli.usage("wharf", syntax));
        return 0;
      }
      if (parsed.flag(Cli.VERSION)) {
        out.println("wharf " + version());
        return 0;
      }
      return command.run(parsed, out, err);
    } catch (Cli.UsageError e) {
      err.println("wharf " + syntax.name() + ": " + e.getMessage());
      err.print(Cli.usage("wharf", syntax));
      return 2;
    } catch (Exception e) {
      err.println("wharf " + syntax.name() + ": " + e);
      e.printStackTrace(err);
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The command called {@code name}. */
  static Optional<Command> command(String name) {
    Command c =
        switch (name) {
          case "serve" -> new ServeCommand();
          case "fsck" -> new FsckCommand();
          case "gc" -> new GcCommand();
          case "retention" -> new RetentionCommand();
          case "copy" -> new CopyCommand();
          case "inspect" -> new InspectCommand();
          case "tags" -> new TagsCommand();
          case "delete" -> new DeleteCommand();
          case "verify" -> new VerifyCommand();
          case "create-image" -> new CreateImageCommand();
          case "project" -> new ProjectCommand();
          case "robot" -> new RobotCommand();
          case "policy" -> new PolicyCommand();
          default -> null;
        };
    return Optional.ofNullable(c);
  }

  /** The program's usage: its commands. */
  static String usage() {
    StringBuilder s = new StringBuilder("Usage: wharf [-hV] COMMAND [OPTIONS] [ARGS]\n");
    s.append("An OCI registry on the JVM.\n");
    s.append("  -h, --help      Show this help message and exit.\n");
    s.append("  -V, --version   Print version information and exit.\n");
    s.append("Commands:\n");
    for (String name :
        List.of(
            "serve",
            "fsck",
            "gc",
            "retention",
            "project",
            "robot",
            "policy",
            "copy",
            "inspect",
            "tags",
            "delete",
            "verify",
            "create-image")) {
      Cli.Syntax syntax = command(name).orElseThrow().syntax();
      s.append("  ").append(name).append(" ".repeat(Math.max(2, 14 - name.length())));
      s.append(syntax.description().get(0)).append('\n');
    }
    s.append(
        "  help          Shows a command's options: wharf help COMMAND, or wharf COMMAND --help.\n");
    return s.toString();
  }

  /** The program's version, from the jar's manifest; {@code dev} outside the jar. */
  static String version() {
    String v = Wharf.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
