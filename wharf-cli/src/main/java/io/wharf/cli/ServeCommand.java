package io.wharf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** {@code wharf serve}: runs the registry until SIGTERM or SIGINT. */
final class ServeCommand implements Command {

  static final Cli.Option LISTEN =
      Cli.Option.value(
          "HOST:PORT",
          "Address to listen on (default 127.0.0.1:5000; port 0 picks a free one).",
          "--listen");
  static final Cli.Option DATA =
      Cli.Option.value(
          "DIR", "Data folder, created when missing (default ./wharf-data).", "--data");
  static final Cli.Option CONFIG =
      Cli.Option.value(
          "FILE", "A YAML file with " + String.join(", ", WharfConfig.KEYS) + ".", "--config");
  static final Cli.Option DELETES =
      Cli.Option.value(
          "true|false",
          "Whether clients may delete manifests, tags and blobs (default true).",
          "--deletes");
  static final Cli.Option UPLOAD_EXPIRY =
      Cli.Option.value(
          "DURATION",
          "How long an idle upload lives, e.g. 10m (the default), 1h.",
          "--upload-expiry");
  static final Cli.Option MAX_MANIFEST_BYTES =
      Cli.Option.value(
          "SIZE", "Largest manifest accepted, e.g. 4MiB (the default).", "--max-manifest-bytes");

  static final Cli.Option HTPASSWD =
      Cli.Option.value(
          "FILE",
          "Turns on the token service with this htpasswd file's users (bcrypt, as htpasswd -B"
              + " writes them) as system administrators.",
          "--htpasswd");

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "serve",
          List.of(
              "Runs an OCI registry on the single-node store.",
              "The store keeps files and SQLite in one data folder.",
              "Stops on SIGTERM or Ctrl-C: requests in flight have 5 s to finish; uploads still",
              "running then are cut (they keep what arrived and can be resumed); the store closes.",
              "Settings come from the defaults, then the config file, then the flags.",
              "Exit status: 0 stopped cleanly, 1 could not start or stop cleanly, 2 bad flags."),
          List.of(),
          List.of(LISTEN, DATA, CONFIG, DELETES, UPLOAD_EXPIRY, MAX_MANIFEST_BYTES, HTPASSWD));

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  /**
   * The settings {@code args} give: the defaults, overridden by the config file, overridden by the
   * flags.
   */
  static ServerSettings settings(Cli.Args args) throws Cli.UsageError, ConfigException {
    // The flags are a config of their own, applied over the file's.
    WharfConfig flags =
        new WharfConfig(
            args.value(LISTEN, ListenAddress::parse),
            args.value(DATA, Path::of),
            args.value(DELETES, ServeCommand::bool),
            args.value(UPLOAD_EXPIRY, Durations::parse),
            args.value(MAX_MANIFEST_BYTES, WharfConfig::parseSize),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            args.value(HTPASSWD, Path::of).map(AuthConfig::htpasswdAdmins),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    Optional<Path> config = args.value(CONFIG, Path::of);
    ServerSettings s = ServerSettings.defaults();
    if (config.isPresent()) {
      s = WharfConfig.read(config.get()).applyTo(s);
    }
    return flags.applyTo(s);
  }

  /** {@code true} or {@code false}, exactly, as a flag's value. */
  static boolean bool(String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException("'" + Cli.shown(value) + "' is not true or false");
    };
  }

  @Override
  public int run(Cli.Args args, PrintWriter out, PrintWriter err)
      throws Cli.UsageError, InterruptedException {
    ServerSettings settings;
    try {
      settings = settings(args);
    } catch (ConfigException e) {
      err.println("wharf serve: " + e.getMessage());
      err.flush();
      return 2;
    }
    DeferredStderr.install();
    WharfServer server;
    try {
      server = WharfServer.start(settings);
    } catch (IOException e) {
      if (e.getCause() instanceof io.wharf.oci.policy.PolicyException
          || e.getCause() instanceof ConfigException) {
        err.println("wharf serve: " + e.getMessage());
        err.flush();
        return 2;
      }
      err.println(
          "wharf serve: cannot start on "
              + settings.listen()
              + " with data folder "
              + settings.data().toAbsolutePath().normalize()
              + ": "
              + describe(e));
      err.flush();
      return 1;
    }
    if (settings.policies().any()) {
      reloadOnHangup(server);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // The JVM would exit with 143 (128 + SIGTERM) whatever happened; the status
                  // says instead whether the requests in flight finished and the store closed.
                  int status = 1;
                  try {
                    server.close();
                    status = 0;
                  } catch (RuntimeException e) {
                    err.println("wharf serve: stopping failed: " + e);
                  } finally {
                    stopped.countDown();
                    err.flush();
                    System.out.flush();
                    DeferredStderr.flushIfDeferred();
                    Runtime.getRuntime().halt(status);
                  }
                },
                "wharf-shutdown"));
    stopped.await();
    return 0;
  }

  /** {@code kill -HUP} loads the policies again (where the platform has the signal). */
  private static void reloadOnHangup(WharfServer server) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> server.reloadPolicies());
    } catch (IllegalArgumentException e) {
      org.slf4j.LoggerFactory.getLogger(ServeCommand.class)
          .warn("no SIGHUP on this platform: policies reload only when their files change");
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    if (e instanceof java.net.BindException) {
      return (message == null ? "address in use" : message)
          + " (is another registry on that port? choose one with --listen)";
    }
    return message == null ? e.toString() : message;
  }
}
