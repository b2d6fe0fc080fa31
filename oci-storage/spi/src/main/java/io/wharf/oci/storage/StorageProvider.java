package io.wharf.oci.storage;

import java.io.IOException;
import java.util.Map;

/**
 * A named kind of storage, found with {@link java.util.ServiceLoader}, so that programs choose a
 * backend by configuration (cf. distribution's storage driver factory).
 */
public interface StorageProvider {

  /** The name configuration uses, e.g. {@code filesystem} or {@code inmemory}. */
  String name();

  /**
   * Opens storage with backend-specific {@code parameters} (for example {@code data} for a folder).
   *
   * @throws IllegalArgumentException when a parameter is missing or invalid
   */
  RegistryStorage open(Map<String, String> parameters) throws IOException;
}
