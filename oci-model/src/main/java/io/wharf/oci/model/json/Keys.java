package io.wharf.oci.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The keys of one JSON object that Go tools decode into a struct (a manifest, a descriptor, a
 * platform, a configuration), and the check that no other key of the object would be read as one of
 * them.
 *
 * <p>Go's {@code encoding/json} matches a key to a struct field by its exact name first and then
 * case-insensitively ({@code bytes.EqualFold}, Unicode simple case folding), so skopeo, containerd
 * and distribution read {@code "Layers"} as the layers, and of {@code "layers"} and {@code
 * "Layers"} they keep the last. A key that is not one of these but folds to one of them is refused
 * as ambiguous, whether or not the exact key is there too. Maps ({@code annotations}, {@code
 * Labels}) are not structs in Go: their keys are exact and are not checked here.
 *
 * <p>The folding is Go's for keys whose canonical form is ASCII, as all known keys are: ASCII
 * letters fold to their other case, and the only other characters in the fold set of an ASCII
 * letter are U+212A KELVIN SIGN (with {@code k}) and U+017F LATIN SMALL LETTER LONG S (with {@code
 * s}); Go's {@code unicode.SimpleFold} keeps U+0130 and U+0131 (the dotted and dotless i) apart
 * from {@code i}. Immutable and thread-safe.
 */
public final class Keys {

  static final char KELVIN_SIGN = '\u212a';
  static final char LONG_S = '\u017f';

  private final Set<String> exact;
  private final Map<String, String> byFolded;

  private Keys(Set<String> exact) {
    this.exact = exact;
    Map<String, String> folded = new HashMap<>();
    for (String key : exact) {
      String f = fold(key);
      if (f == null || folded.put(f, key) != null) {
        throw new IllegalArgumentException("not a distinct ASCII key: " + key);
      }
    }
    this.byFolded = Map.copyOf(folded);
  }

  /** The known keys of one kind of object; each ASCII, no two equal when folded. */
  public static Keys of(String... keys) {
    return new Keys(Set.of(keys));
  }

  /**
   * Refuses a key of {@code object} that differs only in case from a known key.
   *
   * @param path the object's path, for the message
   * @throws InvalidContentException with {@code code}, naming the key and the known key
   */
  public void check(JsonNode object, String path, ErrorCode code) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (exact.contains(key)) {
        continue;
      }
      String folded = fold(key);
      String known = folded == null ? null : byFolded.get(folded);
      if (known != null) {
        throw new InvalidContentException(
            code,
            (path.isEmpty() ? "" : path + ": ")
                + "key "
                + Json.quoted(key)
                + " differs only in case from \""
                + known
                + "\", and Go clients read it as \""
                + known
                + "\": the document is ambiguous");
      }
    }
  }

  /**
   * Go's case folding of {@code key} when it may equal an ASCII key, else null: a key with any
   * other non-ASCII character equals no ASCII key under Go's folding.
   */
  static @Nullable String fold(String key) {
    char[] out = null;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      char f;
      if (c >= 'A' && c <= 'Z') {
        f = (char) (c + ('a' - 'A'));
      } else if (c < 0x80) {
        f = c;
      } else if (c == KELVIN_SIGN) {
        f = 'k';
      } else if (c == LONG_S) {
        f = 's';
      } else {
        return null;
      }
      if (f != c && out == null) {
        out = key.toCharArray();
      }
      if (out != null) {
        out[i] = f;
      }
    }
    return out == null ? key : new String(out);
  }
}
