package io.wharf.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A mapping of a YAML config file with the path that leads to it ({@code auth.ldap}), read
 * strictly: every key must be known, every value of the expected kind, and every message names the
 * file and the path of the key.
 */
final class ConfigNode {

  private final String source;
  private final String path;
  private final Map<String, Object> values;
  private final Path base;

  private ConfigNode(String source, String path, Map<String, Object> values, Path base) {
    this.source = source;
    this.path = path;
    this.values = values;
    this.base = base;
  }

  /**
   * The mapping {@code value} found at {@code path}, whose keys must all be in {@code known}.
   *
   * @param base what relative paths are resolved against (the config file's folder)
   */
  static ConfigNode of(String source, String path, Object value, Path base, Set<String> known)
      throws ConfigException {
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigException(
          source + ": " + path + ": expected keys and values, found " + kind(value));
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key) || !known.contains(key)) {
        throw new ConfigException(
            source
                + ": "
                + path
                + ": unknown key '"
                + e.getKey()
                + "' (known keys: "
                + String.join(", ", known)
                + ")");
      }
      if (e.getValue() == null) {
        throw new ConfigException(source + ": " + path + "." + key + " has no value");
      }
      values.put(key, e.getValue());
    }
    return new ConfigNode(source, path, values, base);
  }

  /**
   * How config files are read: no duplicate keys, at most 20 aliases for collections (no "billion
   * laughs"), at most {@link WharfConfig#MAX_FILE_BYTES} characters.
   */
  static org.yaml.snakeyaml.LoaderOptions loaderOptions() {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(20);
    options.setCodePointLimit(WharfConfig.MAX_FILE_BYTES);
    return options;
  }

  /**
   * The node tree of YAML {@code text} (from file {@code source}), with the lines and columns of
   * every node; {@code null} for an empty document.
   *
   * @throws ConfigException when it is not YAML
   */
  static org.yaml.snakeyaml.nodes.@org.jspecify.annotations.Nullable Node compose(
      String source, String text) throws ConfigException {
    try {
      return new org.yaml.snakeyaml.Yaml(
              new org.yaml.snakeyaml.constructor.SafeConstructor(loaderOptions()))
          .compose(new java.io.StringReader(text));
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
    }
  }

  /**
   * The text of {@code file}: UTF-8, at most {@code maxBytes} (a larger file is most likely the
   * wrong one).
   *
   * @throws ConfigException when it is missing, too large, not UTF-8 or unreadable
   */
  static String readText(Path file, int maxBytes) throws ConfigException {
    try {
      if (Files.size(file) > maxBytes) {
        throw new ConfigException(
            file
                + ": larger than "
                + (maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MiB" : (maxBytes >> 10) + " KiB")
                + "; is it the right file?");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (CharacterCodingException e) {
      throw new ConfigException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** The path of {@code key} below this node, for messages. */
  String at(String key) {
    return path + "." + key;
  }

  /** A failure at {@code key}. */
  ConfigException error(String key, String message) {
    return new ConfigException(source + ": " + at(key) + ": " + message);
  }

  /** A failure of this mapping as a whole. */
  ConfigException error(String message) {
    return new ConfigException(source + ": " + path + ": " + message);
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  /** The mapping at {@code key}, with keys in {@code known}. */
  Optional<ConfigNode> node(String key, Set<String> known) throws ConfigException {
    Object v = values.get(key);
    return v == null ? Optional.empty() : Optional.of(of(source, at(key), v, base, known));
  }

  /** The list of mappings at {@code key}, each with keys in {@code known}. */
  List<ConfigNode> nodes(String key, Set<String> known) throws ConfigException {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw error(key, "expected a list, found " + kind(v));
    }
    List<ConfigNode> nodes = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      nodes.add(of(source, at(key) + "[" + i + "]", list.get(i), base, known));
    }
    return nodes;
  }

  /** The text at {@code key}: not empty, at most {@code maxLength} characters, no control ones. */
  Optional<String> string(String key, int maxLength) throws ConfigException {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw error(key, "expected text, found " + kind(v));
    }
    if (s.isEmpty() || s.length() > maxLength) {
      throw error(key, "expected 1 to " + maxLength + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < 0x20 || s.charAt(i) == 0x7f) {
        throw error(key, "control characters are not allowed");
      }
    }
    return Optional.of(s);
  }

  /** The text at {@code key}, which must be there. */
  String required(String key, int maxLength) throws ConfigException {
    Optional<String> s = string(key, maxLength);
    if (s.isEmpty()) {
      throw new ConfigException(source + ": " + path + ": " + key + " is required");
    }
    return s.get();
  }

  /** The list of texts at {@code key} (a single text counts as a list of one). */
  List<String> strings(String key, int maxLength) throws ConfigException {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    List<?> list = v instanceof List<?> l ? l : List.of(v);
    List<String> out = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof String s) || s.isEmpty() || s.length() > maxLength) {
        throw error(
            key, "expected texts of 1 to " + maxLength + " characters, found " + kind(item));
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  Optional<Boolean> bool(String key) throws ConfigException {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Boolean b)) {
      throw error(key, "expected true or false, found " + kind(v));
    }
    return Optional.of(b);
  }

  Optional<Integer> count(String key, int max) throws ConfigException {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Integer n) || n <= 0 || n > max) {
      throw error(key, "expected a whole number from 1 to " + max + ", found " + kind(v));
    }
    return Optional.of(n);
  }

  Optional<Duration> duration(String key) throws ConfigException {
    if (values.get(key) instanceof Number) {
      throw error(key, "'" + values.get(key) + "' has no unit; write for example 5m or 90s");
    }
    Optional<String> s = string(key, 32);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Durations.parse(s.get()));
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  Optional<Integer> size(String key) throws ConfigException {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(WharfConfig.parseSize(v));
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  /** A file or folder at {@code key}, resolved against the config file's folder. */
  Optional<Path> file(String key) throws ConfigException {
    Optional<String> s = string(key, 4096);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(base.resolve(s.get()).normalize());
    } catch (InvalidPathException e) {
      throw error(key, "'" + s.get() + "' is not a valid path");
    }
  }

  /** The files or folders listed at {@code key}, each resolved against the config file's folder. */
  List<Path> files(String key) throws ConfigException {
    List<Path> files = new ArrayList<>();
    for (String s : strings(key, 4096)) {
      try {
        files.add(base.resolve(s).normalize());
      } catch (InvalidPathException e) {
        throw error(key, "'" + s + "' is not a valid path");
      }
    }
    return files;
  }

  /** An absolute {@code http} or {@code https} (or {@code schemes}) URI at {@code key}. */
  Optional<URI> uri(String key, Set<String> schemes) throws ConfigException {
    Optional<String> s = string(key, 2048);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(s.get());
      if (uri.getScheme() == null
          || !schemes.contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))
          || uri.getHost() == null) {
        throw error(key, "expected an absolute URL with scheme " + String.join(" or ", schemes));
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw error(key, "'" + s.get() + "' is not a URL");
    }
  }

  /**
   * The known word closest to {@code word}, for "did you mean": one that differs only in case, or
   * within two edits (one for words of up to four letters); empty when none is that close.
   */
  static Optional<String> closest(String word, java.util.Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      if (k.equalsIgnoreCase(word)) {
        return Optional.of(k);
      }
      int d = distance(word, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    int allowed = word.length() <= 4 ? 1 : 2;
    return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
  }

  /** Levenshtein distance, with words cut at 64 characters (a key is never longer). */
  private static int distance(String a, String b) {
    String x = a.length() > 64 ? a.substring(0, 64) : a;
    String y = b.length() > 64 ? b.substring(0, 64) : b;
    int[] previous = new int[y.length() + 1];
    int[] current = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[y.length()];
  }

  static String kind(Object value) {
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof Boolean) {
      return "a boolean (" + value + ")";
    }
    if (value instanceof Number) {
      return "a number (" + value + ")";
    }
    return value == null ? "nothing" : "'" + value + "'";
  }
}
