package io.wharf.cli;

import io.wharf.oci.policy.PolicyException;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.server.lifecycle.LifecycleEndpoint;
import io.wharf.oci.server.lifecycle.LifecycleJson;
import io.wharf.oci.server.lifecycle.RetentionReport;
import io.wharf.oci.server.lifecycle.RetentionRun;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@code wharf retention (--dry-run | --apply)}: Harbor's tag retention rules of the policy
 * documents ({@code projects.NAME.retention}) judged over a data folder (opened as {@code wharf gc}
 * opens it, so with the registry stopped) or a running registry (through its lifecycle endpoint, as
 * a system administrator). Prints {@link RetentionReport#toText()}, or with {@code --json} the
 * report as {@link LifecycleJson} writes it, which is also what the endpoint answers.
 *
 * <p>A dry run or an apply must be said: the command never deletes because an option was left out.
 */
final class RetentionCommand implements Command {

  static final Cli.Option DRY_RUN =
      Cli.Option.flag("Report what would be deleted and why; delete nothing.", "--dry-run");
  static final Cli.Option APPLY =
      Cli.Option.flag("Delete what no retention rule retains.", "--apply");
  static final Cli.Option JSON = Cli.Option.flag("Print the report as JSON.", "--json");
  static final Cli.Option CONFIG =
      Cli.Option.value(
          "FILE",
          "A wharf.yaml: its data folder and the rules of its policies section.",
          "--config");
  static final Cli.Option DATA =
      Cli.Option.value(
          "DIR", "The data folder (default ./wharf-data; stop 'wharf serve' first).", "--data");
  static final Cli.Option POLICY =
      Cli.Option.repeatable(
          "FILE",
          "A policy document with retention rules (see oci-policy/POLICY.md); repeat for several."
              + " With --data.",
          "--policy");
  static final Cli.Option REGISTRY =
      Cli.Option.value(
          "URL",
          "A running registry, e.g. http://127.0.0.1:5000, judged by the policies in force there"
              + " through "
              + LifecycleEndpoint.RETENTION_PATH
              + ".",
          "--registry");
  static final Cli.Option CREDS =
      Cli.Option.value(
          "USER:PASS",
          "A system administrator's credentials for --registry (default: the docker config's).",
          "--creds");

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "retention",
          List.of(
              "Applies the retention rules of the policies (Harbor's: keep the most recently",
              "pushed or pulled, pushed or pulled within days, always), or with --dry-run reports",
              "what they would delete and why. Referrers and children go with what they follow.",
              "Works on a data folder with --policy files or --config's policies (the registry",
              "stopped), or on a running registry (--registry) with the policies in force there.",
              "Exit status: 0 done (also a dry run), 1 failed, 2 bad arguments, policies or folder."),
          List.of(),
          List.of(
              DRY_RUN, APPLY, JSON, CONFIG, DATA, POLICY, REGISTRY, CREDS, ClientOptions.AUTHFILE));

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  public int run(Cli.Args args, PrintWriter out, PrintWriter err) throws Cli.UsageError {
    if (args.flag(DRY_RUN) == args.flag(APPLY)) {
      throw new Cli.UsageError(
          "say --dry-run (report only) or --apply (delete), exactly one of them");
    }
    boolean dryRun = args.flag(DRY_RUN);
    int targets =
        (args.value(DATA).isPresent() ? 1 : 0)
            + (args.value(CONFIG).isPresent() ? 1 : 0)
            + (args.value(REGISTRY).isPresent() ? 1 : 0);
    if (targets > 1) {
      throw new Cli.UsageError("give one of --data, --config and --registry");
    }
    boolean policyFiles = !args.values(POLICY).isEmpty();
    if (args.value(REGISTRY).isPresent()) {
      if (policyFiles) {
        throw new Cli.UsageError(
            "--policy goes with a data folder; a running registry judges by the policies in"
                + " force there");
      }
      if (args.value(ClientOptions.AUTHFILE).isPresent() && args.value(CREDS).isPresent()) {
        throw new Cli.UsageError("give --creds or --authfile, not both");
      }
      return remote(args, dryRun, out, err);
    }
    if (args.value(CREDS).isPresent() || args.value(ClientOptions.AUTHFILE).isPresent()) {
      throw new Cli.UsageError("--creds and --authfile go with --registry");
    }
    if (args.value(CONFIG).isPresent() == policyFiles) {
      throw new Cli.UsageError(
          policyFiles
              ? "--policy goes with --data; --config brings the rules of its policies section"
              : "give the rules: --policy FILE (with --data), or --config FILE with a policies"
                  + " section");
    }
    try {
      return local(args, dryRun, out, err);
    } catch (ConfigException e) {
      return fail(err, e.getMessage(), 2);
    } catch (PolicyException e) {
      return fail(err, VerifyCommand.invalid(e, err), 2);
    } catch (LifecycleTarget.Failure f) {
      return fail(err, f.getMessage(), f.status);
    }
  }

  private static int fail(PrintWriter err, String message, int status) {
    err.println("wharf retention: " + message);
    err.flush();
    return status;
  }

  private static void print(RetentionReport report, boolean json, PrintWriter out) {
    out.print(json ? LifecycleJson.retentionReport(report) : report.toText());
    out.flush();
  }

  // -------------------------------------------------------------------------------- data folder

  private static int local(Cli.Args args, boolean dryRun, PrintWriter out, PrintWriter err)
      throws ConfigException, PolicyException, LifecycleTarget.Failure, Cli.UsageError {
    Path dir;
    PolicySet policies;
    Optional<Path> config = args.value(CONFIG, Path::of);
    if (config.isPresent()) {
      ServerSettings settings = WharfConfig.read(config.get()).applyTo(ServerSettings.defaults());
      if (!settings.policies().any()) {
        return fail(
            err,
            config.get()
                + " has no policies section: retention rules live in the policy documents"
                + " (projects.NAME.retention, see oci-policy/POLICY.md)",
            2);
      }
      dir = settings.data();
      policies = PolicyRuntime.load(settings.policies(), 1);
    } else {
      dir = args.value(DATA, Path::of).orElse(ServerSettings.DEFAULT_DATA);
      policies = VerifyCommand.policies(args.values(POLICY));
    }
    if (policies.retentionProjects().isEmpty()) {
      err.println(
          "wharf retention: the policies have no retention rules (projects.NAME.retention);"
              + " nothing is judged");
    }
    dir = LifecycleTarget.dataFolder(dir);
    RetentionReport report;
    try (RegistryStorage storage = LocalStorage.open(dir)) {
      report =
          new RetentionRun(storage.checked().metadata(), () -> policies, Clock.systemUTC())
              .run(dryRun);
    } catch (IOException e) {
      throw LifecycleTarget.cannot(dryRun ? "judge" : "apply retention to", dir, e);
    }
    print(report, args.flag(JSON), out);
    return 0;
  }

  // ------------------------------------------------------------------------- running registry

  private static int remote(Cli.Args args, boolean dryRun, PrintWriter out, PrintWriter err)
      throws Cli.UsageError {
    RetentionReport report;
    try {
      report =
          LifecycleTarget.report(
              args,
              CREDS,
              args.value(REGISTRY).orElseThrow(),
              LifecycleEndpoint.RETENTION_PATH + "?dryRun=" + dryRun,
              LifecycleJson::readRetentionReport);
    } catch (LifecycleTarget.Failure f) {
      return fail(err, f.getMessage(), f.status);
    }
    print(report, args.flag(JSON), out);
    return 0;
  }
}
