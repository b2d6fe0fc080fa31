package io.wharf.oci.storage.local;

import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageProvider;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * {@link LocalStorage} as storage {@code local}, for {@link java.util.ServiceLoader}. Parameters:
 *
 * <ul>
 *   <li>{@code data} (required): the data folder, created when missing;
 *   <li>{@code durable} (optional, {@code true} or {@code false}, default {@code true}): whether
 *       blob commits are forced to the device; {@code false} only for tests and benchmarks.
 * </ul>
 *
 * Any other parameter is refused, so that a misspelt one does not go unnoticed.
 */
public final class LocalStorageProvider implements StorageProvider {

  /** The name configuration uses. */
  public static final String NAME = "local";

  /** The parameter that names the data folder. */
  public static final String DATA = "data";

  /** The parameter that chooses durability. */
  public static final String DURABLE = "durable";

  private static final Set<String> PARAMETERS = Set.of(DATA, DURABLE);

  /** The provider; {@link java.util.ServiceLoader} calls this constructor. */
  public LocalStorageProvider() {}

  /** {@value #NAME}. */
  @Override
  public String name() {
    return NAME;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code data} is missing or not a path, {@code durable} is
   *     neither {@code true} nor {@code false}, or an unknown parameter is given
   * @throws IOException when the storage cannot be opened, for instance because another store has
   *     the folder open
   */
  @Override
  public RegistryStorage open(Map<String, String> parameters) throws IOException {
    Set<String> unknown = new TreeSet<>(parameters.keySet());
    unknown.removeAll(PARAMETERS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "storage '" + NAME + "' has no parameter " + String.join(", ", unknown));
    }
    String data = parameters.get(DATA);
    if (data == null || data.isBlank()) {
      throw new IllegalArgumentException(
          "storage '" + NAME + "' needs parameter '" + DATA + "', the data folder");
    }
    Path folder;
    try {
      folder = Path.of(data);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "parameter '" + DATA + "' of storage '" + NAME + "' is not a path: " + e.getMessage(), e);
    }
    return LocalStorage.builder(folder).durable(durable(parameters.get(DURABLE))).open();
  }

  private static boolean durable(@Nullable String value) {
    if (value == null || value.equals("true")) {
      return true;
    }
    if (value.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException(
        "parameter '"
            + DURABLE
            + "' of storage '"
            + NAME
            + "' must be true or false, not '"
            + value
            + "'");
  }
}
