package io.wharf.oci.storage.local;

import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Non-durable local storages in fresh folders under {@code target/tck} (the chunking property opens
 * one for each try), remembered so that a contract test, which closes only the one store it was
 * given, can close the other one too: registered as an extension ({@code @RegisterExtension}), it
 * closes them after each test.
 */
final class OpenedStorages implements AfterEachCallback {
  private final List<RegistryStorage> opened = new ArrayList<>();
  private Path dir;

  /** Storage in a fresh folder. */
  RegistryStorage fresh() throws IOException {
    return fresh(Clock.systemUTC());
  }

  /** Storage in a fresh folder, on {@code clock}. */
  RegistryStorage fresh(Clock clock) throws IOException {
    Files.createDirectories(Path.of("target", "tck"));
    dir = Files.createTempDirectory(Path.of("target", "tck"), "local-");
    return open(clock);
  }

  /** Storage on the folder of the last {@link #fresh()}, which must have been closed. */
  RegistryStorage reopen() throws IOException {
    return open(Clock.systemUTC());
  }

  private RegistryStorage open(Clock clock) throws IOException {
    RegistryStorage storage = LocalStorage.builder(dir).durable(false).clock(clock).open();
    opened.add(storage);
    return storage;
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    closeAll();
  }

  /** Closes every storage opened so far; closing twice does nothing. */
  void closeAll() throws IOException {
    for (RegistryStorage storage : opened) {
      storage.close();
    }
    opened.clear();
  }
}
