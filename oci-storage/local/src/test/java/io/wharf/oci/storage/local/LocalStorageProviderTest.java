package io.wharf.oci.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.RawManifest;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageProviderTest {

  @TempDir Path dir;

  @Test
  void serviceLoaderFindsTheProviderOnTheClassPath() throws IOException {
    List<StorageProvider> local =
        ServiceLoader.load(StorageProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("local"))
            .collect(Collectors.toList());
    assertThat(local).singleElement().isInstanceOf(LocalStorageProvider.class);

    RawManifest pushed;
    try (RegistryStorage storage =
        local.get(0).open(Map.of("data", dir.toString(), "durable", "false"))) {
      pushed = LocalStorageTest.push(storage);
    }
    try (RegistryStorage storage = local.get(0).open(Map.of("data", dir.toString()))) {
      assertThat(storage.metadata().resolveTag(LocalStorageTest.REPO, LocalStorageTest.TAG))
          .contains(pushed.digest());
    }
  }

  @Test
  void refusesMissingUnknownAndInvalidParameters() {
    LocalStorageProvider provider = new LocalStorageProvider();
    assertThatThrownBy(() -> provider.open(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'data'");
    assertThatThrownBy(() -> provider.open(Map.of("data", " ")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> provider.open(Map.of("data", dir.toString(), "durable", "no")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> provider.open(Map.of("data", dir.toString(), "dir", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dir");
  }
}
