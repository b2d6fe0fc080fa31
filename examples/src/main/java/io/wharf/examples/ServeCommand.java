package io.wharf.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wharf serve}: runs the registry until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = Wharf.Version.class,
    description = {
      "Runs an OCI registry on the single-node store (files and SQLite in one data folder).",
      "Stops cleanly on SIGTERM or Ctrl-C: requests in flight finish, then the store closes.",
      "Settings come from the defaults, then the config file, then the flags."
    })
final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      converter = Converters.Listen.class,
      description = "Address to listen on (default 127.0.0.1:5000; port 0 picks a free one).")
  ListenAddress listen;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data folder, created when missing (default ./wharf-data).")
  Path data;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A YAML file with listen, data, deletes, uploadExpiry, maxManifestBytes.")
  Path config;

  @Option(
      names = "--deletes",
      paramLabel = "true|false",
      arity = "1",
      description = "Whether clients may delete manifests, tags and blobs (default true).")
  Boolean deletes;

  @Option(
      names = "--upload-expiry",
      paramLabel = "DURATION",
      converter = Converters.Expiry.class,
      description = "How long an idle upload lives, e.g. 24h (the default), 30m.")
  java.time.Duration uploadExpiry;

  @Option(
      names = "--max-manifest-bytes",
      paramLabel = "SIZE",
      converter = Converters.Size.class,
      description = "Largest manifest accepted, e.g. 4MiB (the default).")
  Integer maxManifestBytes;

  /** The settings: the defaults, overridden by the config file, overridden by the flags. */
  ServerSettings settings() throws ConfigException {
    ServerSettings s = ServerSettings.defaults();
    if (config != null) {
      s = WharfConfig.read(config).applyTo(s);
    }
    if (listen != null) {
      s = s.withListen(listen);
    }
    if (data != null) {
      s = s.withData(data);
    }
    if (deletes != null) {
      s = s.withDeletes(deletes);
    }
    if (uploadExpiry != null) {
      s = s.withUploadExpiry(uploadExpiry);
    }
    if (maxManifestBytes != null) {
      s = s.withMaxManifestBytes(maxManifestBytes);
    }
    return s;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    ServerSettings settings;
    try {
      settings = settings();
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

  private static String describe(IOException e) {
    String message = e.getMessage();
    if (e instanceof java.net.BindException) {
      return (message == null ? "address in use" : message)
          + " (is another registry on that port? choose one with --listen)";
    }
    return message == null ? e.toString() : message;
  }
}
