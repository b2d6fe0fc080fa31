package io.wharf.cli;

import io.wharf.oci.server.lifecycle.LifecycleEndpoint;
import io.wharf.oci.server.lifecycle.LifecycleJson;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.lifecycle.GarbageCollector;
import io.wharf.oci.storage.lifecycle.GcReport;
import io.wharf.oci.storage.lifecycle.GcRequest;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code wharf gc}: garbage collection of a data folder (opened as {@code wharf fsck} opens it, so
 * with the registry stopped) or of a running registry (through its lifecycle endpoint, as a system
 * administrator). Prints {@link GcReport#toText()}, or with {@code --json} the report as {@link
 * LifecycleJson} writes it, which is also what the endpoint answers.
 */
final class GcCommand implements Command {

  static final Cli.Option DRY_RUN =
      Cli.Option.flag(
          "Report what would be deleted; delete nothing (always a full run).", "--dry-run");
  static final Cli.Option FULL =
      Cli.Option.flag(
          "Examine every repository and blob, not only what changed since the last run.", "--full");
  static final Cli.Option JSON = Cli.Option.flag("Print the report as JSON.", "--json");
  static final Cli.Option GRACE_PERIOD =
      Cli.Option.value(
          "DURATION",
          "Keep content younger than this, e.g. 24h (the default, or lifecycle.gc.gracePeriod"
              + " of --config); 0s collects everything unreferenced. Data folders only.",
          "--grace-period");
  static final Cli.Option DELETE_UNTAGGED =
      Cli.Option.flag(
          "Also collect untagged manifests that nothing kept refers to. Data folders only.",
          "--delete-untagged");
  static final Cli.Option DATA =
      Cli.Option.value(
          "DIR", "The data folder (default ./wharf-data; stop 'wharf serve' first).", "--data");
  static final Cli.Option CONFIG =
      Cli.Option.value(
          "FILE", "A wharf.yaml: its data folder and lifecycle.gc settings.", "--config");
  static final Cli.Option REGISTRY =
      Cli.Option.value(
          "URL",
          "A running registry, e.g. http://127.0.0.1:5000, collected through "
              + LifecycleEndpoint.GC_PATH
              + ".",
          "--registry");
  static final Cli.Option CREDS =
      Cli.Option.value(
          "USER:PASS",
          "A system administrator's credentials for --registry (default: the docker config's).",
          "--creds");

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "gc",
          List.of(
              "Collects garbage: blobs and blob links nothing refers to, and with",
              "--delete-untagged untagged manifests, older than the grace period.",
              "Works on a data folder (the registry stopped) or a running registry (--registry).",
              "Exit status: 0 done (also a dry run), 1 failed, 2 bad arguments or no data folder."),
          List.of(),
          List.of(
              DRY_RUN,
              FULL,
              JSON,
              GRACE_PERIOD,
              DELETE_UNTAGGED,
              DATA,
              CONFIG,
              REGISTRY,
              CREDS,
              ClientOptions.AUTHFILE));

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  public int run(Cli.Args args, PrintWriter out, PrintWriter err) throws Cli.UsageError {
    int targets =
        (args.value(DATA).isPresent() ? 1 : 0)
            + (args.value(CONFIG).isPresent() ? 1 : 0)
            + (args.value(REGISTRY).isPresent() ? 1 : 0);
    if (targets > 1) {
      throw new Cli.UsageError("give one of --data, --config and --registry");
    }
    GcRequest request = new GcRequest(args.flag(DRY_RUN), args.flag(FULL));
    Optional<Duration> grace = args.value(GRACE_PERIOD, Durations::parseNonNegative);
    try {
      if (args.value(REGISTRY).isPresent()) {
        if (grace.isPresent() || args.flag(DELETE_UNTAGGED)) {
          throw new Cli.UsageError(
              "--grace-period and --delete-untagged apply to a data folder; a running registry"
                  + " collects with its own settings (lifecycle.gc in its wharf.yaml)");
        }
        if (args.value(ClientOptions.AUTHFILE).isPresent() && args.value(CREDS).isPresent()) {
          throw new Cli.UsageError("give --creds or --authfile, not both");
        }
        return remote(args, request, out, err);
      }
      if (args.value(CREDS).isPresent() || args.value(ClientOptions.AUTHFILE).isPresent()) {
        throw new Cli.UsageError("--creds and --authfile go with --registry");
      }
      return local(args, request, grace, out, err);
    } catch (ConfigException e) {
      return fail(err, e.getMessage(), 2);
    }
  }

  private static int fail(PrintWriter err, String message, int status) {
    err.println("wharf gc: " + message);
    err.flush();
    return status;
  }

  private static void print(GcReport report, boolean json, PrintWriter out) {
    out.print(json ? LifecycleJson.gcReport(report) : report.toText());
    out.flush();
  }

  // -------------------------------------------------------------------------------- data folder

  private static int local(
      Cli.Args args, GcRequest request, Optional<Duration> grace, PrintWriter out, PrintWriter err)
      throws Cli.UsageError, ConfigException {
    Path dir;
    LifecycleConfig lifecycle = LifecycleConfig.defaults();
    Optional<Path> config = args.value(CONFIG, Path::of);
    if (config.isPresent()) {
      ServerSettings settings = WharfConfig.read(config.get()).applyTo(ServerSettings.defaults());
      dir = settings.data();
      lifecycle = settings.lifecycle();
    } else {
      dir = args.value(DATA, Path::of).orElse(ServerSettings.DEFAULT_DATA);
    }
    GcReport report;
    try {
      dir = LifecycleTarget.dataFolder(dir);
      try (RegistryStorage storage = LocalStorage.open(dir)) {
        GarbageCollector collector =
            GarbageCollector.builder(storage.checked())
                .gracePeriod(grace.orElse(lifecycle.gracePeriod()))
                .deleteUntagged(args.flag(DELETE_UNTAGGED) || lifecycle.deleteUntagged())
                .build();
        report = collector.run(request);
      } catch (IOException e) {
        throw LifecycleTarget.cannot("collect", dir, e);
      }
    } catch (LifecycleTarget.Failure f) {
      return fail(err, f.getMessage(), f.status);
    }
    print(report, args.flag(JSON), out);
    return 0;
  }

  // ------------------------------------------------------------------------- running registry

  private static int remote(Cli.Args args, GcRequest request, PrintWriter out, PrintWriter err)
      throws Cli.UsageError {
    GcReport report;
    try {
      report =
          LifecycleTarget.report(
              args,
              CREDS,
              args.value(REGISTRY).orElseThrow(),
              LifecycleEndpoint.GC_PATH + "?dryRun=" + request.dryRun() + "&full=" + request.full(),
              LifecycleJson::readGcReport);
    } catch (LifecycleTarget.Failure f) {
      return fail(err, f.getMessage(), f.status);
    }
    print(report, args.flag(JSON), out);
    return 0;
  }
}
