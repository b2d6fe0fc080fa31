package io.wharf.oci.client.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A token scope of the Docker token flow, {@code type:name:action[,action]}, e.g. {@code
 * repository:library/ubuntu:pull,push}.
 *
 * @param type the resource type, e.g. {@code repository} or {@code registry}
 * @param name the resource name, e.g. the repository name or {@code catalog}
 * @param actions the actions, sorted
 */
public record Scope(String type, String name, Set<String> actions) implements Comparable<Scope> {

  /** Checks the parts and sorts the actions. */
  public Scope {
    if (type.isEmpty() || type.indexOf(' ') >= 0 || name.isEmpty() || name.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("scope type and name must be non-empty without spaces");
    }
    actions = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(actions));
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a scope needs at least one action");
    }
  }

  /** {@code repository:NAME:ACTIONS}. */
  public static Scope repository(String name, String... actions) {
    return new Scope("repository", name, Set.of(actions));
  }

  /** {@code registry:catalog:*}. */
  public static Scope catalog() {
    return new Scope("registry", "catalog", Set.of("*"));
  }

  /**
   * Parses one scope; empty when it is malformed. The name may contain ':' (a host with a port);
   * the type ends at the first ':' and the actions start after the last.
   */
  public static Optional<Scope> parse(String text) {
    int first = text.indexOf(':');
    int last = text.lastIndexOf(':');
    if (first <= 0 || last <= first + 1 || last == text.length() - 1) {
      return Optional.empty();
    }
    try {
      List<String> actions = new ArrayList<>();
      for (String a : text.substring(last + 1).split(",")) {
        if (!a.isEmpty()) {
          actions.add(a);
        }
      }
      return Optional.of(
          new Scope(
              text.substring(0, first), text.substring(first + 1, last), Set.copyOf(actions)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Parses the space-separated scopes of a challenge's {@code scope} parameter. */
  public static List<Scope> parseAll(String text) {
    List<Scope> result = new ArrayList<>();
    for (String s : text.trim().split("\\s+")) {
      parse(s).ifPresent(result::add);
    }
    return result;
  }

  /** Merges scopes of the same resource, uniting their actions; the result is sorted. */
  public static Set<Scope> merge(Collection<Scope> scopes) {
    Map<String, Set<String>> byResource = new LinkedHashMap<>();
    Map<String, Scope> first = new LinkedHashMap<>();
    for (Scope s : scopes) {
      String key = s.type + ":" + s.name;
      byResource.computeIfAbsent(key, k -> new TreeSet<>()).addAll(s.actions);
      first.putIfAbsent(key, s);
    }
    Set<Scope> result = new TreeSet<>();
    for (var e : byResource.entrySet()) {
      Scope s = first.get(e.getKey());
      result.add(new Scope(s.type, s.name, e.getValue()));
    }
    return java.util.Collections.unmodifiableSet(result);
  }

  @Override
  public int compareTo(Scope o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return type + ":" + name + ":" + String.join(",", actions);
  }
}
