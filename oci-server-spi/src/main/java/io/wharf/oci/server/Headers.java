package io.wharf.oci.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * HTTP headers: immutable, names compared case-insensitively, values in the order given. Names are
 * kept as first written for output.
 */
public final class Headers {

  private static final Headers EMPTY = new Headers(Map.of());

  /** Lower-case name -> (name as written, values). */
  private final Map<String, Map.Entry<String, List<String>>> map;

  private Headers(Map<String, Map.Entry<String, List<String>>> map) {
    this.map = map;
  }

  /** No headers. */
  public static Headers empty() {
    return EMPTY;
  }

  /** Headers from a map of name to values. */
  public static Headers of(Map<String, List<String>> headers) {
    Builder b = builder();
    headers.forEach((name, values) -> values.forEach(v -> b.add(name, v)));
    return b.build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The first value of {@code name}. */
  public Optional<String> first(String name) {
    Map.Entry<String, List<String>> e = map.get(name.toLowerCase(Locale.ROOT));
    return e == null || e.getValue().isEmpty()
        ? Optional.empty()
        : Optional.of(e.getValue().get(0));
  }

  /** Every value of {@code name}. */
  public List<String> all(String name) {
    Map.Entry<String, List<String>> e = map.get(name.toLowerCase(Locale.ROOT));
    return e == null ? List.of() : e.getValue();
  }

  /** The first value of {@code name} as a non-negative long, if it is one. */
  public OptionalLong firstLong(String name) {
    Optional<String> v = first(name);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(v.get().strip());
      return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Whether {@code name} is present. */
  public boolean has(String name) {
    return map.containsKey(name.toLowerCase(Locale.ROOT));
  }

  /** Name (as first written) to values, in insertion order. */
  public Map<String, List<String>> asMap() {
    Map<String, List<String>> result = new LinkedHashMap<>();
    map.values().forEach(e -> result.put(e.getKey(), e.getValue()));
    return Collections.unmodifiableMap(result);
  }

  /** A builder with these headers. */
  public Builder toBuilder() {
    Builder b = builder();
    asMap().forEach((name, values) -> values.forEach(v -> b.add(name, v)));
    return b;
  }

  @Override
  public String toString() {
    return asMap().toString();
  }

  /** Builds {@link Headers}. */
  public static final class Builder {
    private final Map<String, Map.Entry<String, List<String>>> map = new LinkedHashMap<>();

    private Builder() {}

    /** Adds a value. */
    public Builder add(String name, String value) {
      map.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> Map.entry(name, new ArrayList<>()))
          .getValue()
          .add(value);
      return this;
    }

    /** Replaces every value of {@code name} with {@code value}. */
    public Builder set(String name, String value) {
      map.remove(name.toLowerCase(Locale.ROOT));
      return add(name, value);
    }

    /** The headers. */
    public Headers build() {
      Map<String, Map.Entry<String, List<String>>> copy = new LinkedHashMap<>();
      map.forEach((k, e) -> copy.put(k, Map.entry(e.getKey(), List.copyOf(e.getValue()))));
      return new Headers(Collections.unmodifiableMap(copy));
    }
  }
}
