package io.wharf.cli;

import io.wharf.oci.storage.jdbc.JdbcMetadataStore;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code wharf project} and {@code wharf robot} share: an action word, then options; they work
 * on the access records in a data folder's metadata database ({@code --data}, or the {@code data}
 * of {@code --config}), also while {@code wharf serve} runs on it: they open the database only
 * (SQLite lets several processes share it), never the blob store, and the server sees a change
 * within a second.
 */
abstract class AccessCommand implements Command {

  static final Cli.Option DATA =
      Cli.Option.value("DIR", "The data folder (default ./wharf-data).", "--data");
  static final Cli.Option CONFIG =
      Cli.Option.value("FILE", "Take the data folder from this wharf.yaml.", "--config");

  /** The action word of {@code args}, one of {@code known}. */
  static String action(Cli.Args args, List<String> known) throws Cli.UsageError {
    String action = args.positional(0);
    if (!known.contains(action)) {
      throw new Cli.UsageError(
          "Unknown action: '"
              + Cli.shown(action)
              + "' (actions: "
              + String.join(", ", known)
              + ")");
    }
    return action;
  }

  /** The value of {@code option}, which {@code action} needs. */
  static String required(Cli.Args args, Cli.Option option, String action) throws Cli.UsageError {
    return args.value(option, s -> s)
        .orElseThrow(() -> new Cli.UsageError(action + " needs " + option.name()));
  }

  /** Runs {@code work} on the access store of the data folder {@code args} name. */
  int withStore(Cli.Args args, PrintWriter err, String command, StoreWork work)
      throws Cli.UsageError {
    Path data;
    try {
      Optional<Path> config = args.value(CONFIG, Path::of);
      data =
          args.value(DATA, Path::of)
              .or(() -> config.flatMap(AccessCommand::dataOf))
              .orElse(ServerSettings.DEFAULT_DATA)
              .toAbsolutePath()
              .normalize();
    } catch (UncheckedConfigException e) {
      err.println("wharf " + command + ": " + e.getCause().getMessage());
      return 2;
    }
    Path db = LocalStorage.metadataFile(data);
    if (!Files.isRegularFile(db)) {
      err.println(
          "wharf "
              + command
              + ": "
              + data
              + " is not a Wharf data folder (it has no "
              + LocalStorage.METADATA_FILE
              + "; run wharf serve on it once)");
      return 2;
    }
    try (JdbcMetadataStore store = JdbcMetadataStore.sqlite(db)) {
      return work.run(store);
    } catch (IOException e) {
      err.println("wharf " + command + ": " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("wharf " + command + ": " + e.getMessage());
      return 1;
    }
  }

  private static Optional<Path> dataOf(Path config) {
    try {
      return WharfConfig.read(config).data();
    } catch (ConfigException e) {
      throw new UncheckedConfigException(e);
    }
  }

  /** A config file that could not be read, through a lambda. */
  private static final class UncheckedConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncheckedConfigException(ConfigException cause) {
      super(cause);
    }
  }

  /** Work on the store; returns the exit status. */
  @FunctionalInterface
  interface StoreWork {
    int run(JdbcMetadataStore store) throws IOException, Cli.UsageError;
  }
}
