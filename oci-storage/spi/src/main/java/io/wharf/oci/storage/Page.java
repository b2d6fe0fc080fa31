package io.wharf.oci.storage;

import java.util.List;
import java.util.Optional;

/**
 * One page of a lexically ordered listing.
 *
 * @param items the entries, in order
 * @param next the {@code last} to ask for the following page, empty on the final page
 * @param <T> the entry type
 */
public record Page<T>(List<T> items, Optional<String> next) {
  /** Copies. */
  public Page {
    items = List.copyOf(items);
  }
}
