package io.wharf.oci.storage;

import java.util.Optional;

/**
 * A page of a lexically ordered listing (distribution-spec end-8b and {@code _catalog}): at most
 * {@code limit} entries that sort after {@code last}.
 *
 * @param limit how many entries at most, 1 to {@value #MAX_LIMIT}
 * @param last the last entry of the previous page, exclusive
 */
public record PageRequest(int limit, Optional<String> last) {

  /** The largest page a store serves. */
  public static final int MAX_LIMIT = 10_000;

  /** Validates. */
  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("page limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
  }

  /** The first page of {@code limit} entries. */
  public static PageRequest first(int limit) {
    return new PageRequest(limit, Optional.empty());
  }

  /** The page of {@code limit} entries after {@code last}. */
  public static PageRequest after(String last, int limit) {
    return new PageRequest(limit, Optional.of(last));
  }
}
