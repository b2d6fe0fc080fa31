package io.wharf.oci.policy;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One policy document, valid as a whole: its rules in order, the system-wide allowlist and the
 * settings of projects. Read from YAML or JSON by {@link PolicyLoader} (which documents the
 * format), or built in code with {@link #of}. Combined with others into a {@link PolicySet}.
 * Immutable; equal when the contents and source are.
 */
public final class PolicyDocument {

  /** The schema version this library reads. */
  public static final int VERSION = 1;

  private static final Pattern PROJECT = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");

  private final String source;
  private final List<Rule> rules;
  private final List<AllowlistEntry> allowlist;
  private final SortedMap<String, ProjectSettings> projects;
  private final Map<String, Position> positions;

  /** Where a rule's or a project's definition starts, so that conflicts can name the line. */
  record Position(int line, int column) {}

  PolicyDocument(
      String source,
      List<Rule> rules,
      List<AllowlistEntry> allowlist,
      Map<String, ProjectSettings> projects,
      Map<String, Position> positions) {
    this.source = Objects.requireNonNull(source, "source");
    this.rules = List.copyOf(rules);
    this.allowlist = List.copyOf(allowlist);
    this.projects = Collections.unmodifiableSortedMap(new TreeMap<>(projects));
    this.positions = Map.copyOf(positions);
    Set<String> names = new HashSet<>();
    for (Rule rule : this.rules) {
      if (!names.add(rule.name())) {
        throw new IllegalArgumentException("duplicate rule name '" + rule.name() + "'");
      }
    }
    for (String project : this.projects.keySet()) {
      if (!validProject(project)) {
        throw new IllegalArgumentException("'" + project + "' is not a valid project name");
      }
    }
  }

  /**
   * A document built in code.
   *
   * @param source what to call it in errors
   * @param rules the rules, in order (names unique)
   * @param allowlist the system-wide allowlist
   * @param projects the settings of projects, by project name
   * @throws IllegalArgumentException when two rules have one name or a project name is invalid
   */
  public static PolicyDocument of(
      String source,
      List<Rule> rules,
      List<AllowlistEntry> allowlist,
      Map<String, ProjectSettings> projects) {
    return new PolicyDocument(source, rules, allowlist, projects, Map.of());
  }

  /** Whether {@code name} is a valid project name (a repository name's first component). */
  public static boolean validProject(String name) {
    return name.length() <= 255 && PROJECT.matcher(name).matches();
  }

  /** The document's name: its file, or what the caller named it. */
  public String source() {
    return source;
  }

  /** The schema version: {@value #VERSION}. */
  public int version() {
    return VERSION;
  }

  /** The rules, in order. */
  public List<Rule> rules() {
    return rules;
  }

  /** The system-wide allowlist. */
  public List<AllowlistEntry> allowlist() {
    return allowlist;
  }

  /** The settings of projects, by name, sorted. */
  public SortedMap<String, ProjectSettings> projects() {
    return projects;
  }

  /**
   * Where rule {@code name} or project {@code name} is defined ({@code rules.x}, {@code
   * projects.x}).
   */
  Position position(String key) {
    return positions.getOrDefault(key, new Position(0, 0));
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof PolicyDocument)) {
      return false;
    }
    PolicyDocument that = (PolicyDocument) other;
    return source.equals(that.source)
        && rules.equals(that.rules)
        && allowlist.equals(that.allowlist)
        && projects.equals(that.projects);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, rules, allowlist, projects);
  }

  @Override
  public String toString() {
    return "PolicyDocument[source="
        + source
        + ", rules="
        + rules
        + ", allowlist="
        + allowlist
        + ", projects="
        + projects
        + "]";
  }
}
