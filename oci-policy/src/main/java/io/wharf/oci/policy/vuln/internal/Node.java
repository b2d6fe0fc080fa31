package io.wharf.oci.policy.vuln.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.policy.vuln.ReportException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A JSON value of a report and the path it was reached by ({@code $.Results[0].Target}), so that
 * every error says where. Absent and {@code null} members read alike (as Go's encoding/json writes
 * {@code omitempty} fields and nil slices); a member of the wrong type is a {@link
 * ReportException}.
 */
public final class Node {

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private final JsonNode json;
  private final String path;

  private Node(JsonNode json, String path) {
    this.json = json;
    this.path = path;
  }

  /** The document's root. */
  public static Node root(JsonNode json) {
    return new Node(json, "$");
  }

  /** Where this value is. */
  public String path() {
    return path;
  }

  /** A report error at this value. */
  public ReportException error(String problem) {
    return new ReportException(path + ": " + problem);
  }

  /** Whether this is a JSON object. */
  public boolean isObject() {
    return json.isObject();
  }

  /** Whether member {@code name} is present and not {@code null}. */
  public boolean has(String name) {
    JsonNode member = json.get(name);
    return member != null && !member.isNull();
  }

  /** Member {@code name}, empty when absent or {@code null}. */
  public Optional<Node> member(String name) {
    JsonNode member = json.get(name);
    if (member == null || member.isNull()) {
      return Optional.empty();
    }
    String at =
        PLAIN_NAME.matcher(name).matches()
            ? path + "." + name
            : path + "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    return Optional.of(new Node(member, at));
  }

  /** Member {@code name}, which must be an object when present. */
  public Optional<Node> object(String name) {
    Optional<Node> member = member(name);
    member.ifPresent(m -> m.requireObject());
    return member;
  }

  /** This value, which must be an object. */
  public Node requireObject() {
    if (!json.isObject()) {
      throw error("expected an object, found " + kind());
    }
    return this;
  }

  /** The elements of array member {@code name}; none when absent or {@code null}. */
  public List<Node> array(String name) {
    Optional<Node> member = member(name);
    return member.isPresent() ? member.get().elements() : List.of();
  }

  /** The elements of this value, which must be an array. */
  public List<Node> elements() {
    if (!json.isArray()) {
      throw error("expected an array, found " + kind());
    }
    List<Node> elements = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      elements.add(new Node(json.get(i), path + "[" + i + "]"));
    }
    return elements;
  }

  /** The members of this object, in document order. */
  public List<String> names() {
    requireObject();
    List<String> names = new ArrayList<>(json.size());
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** String member {@code name}; empty when absent or {@code null}. */
  public Optional<String> text(String name) {
    Optional<Node> member = member(name);
    return member.isPresent() ? Optional.of(member.get().asText()) : Optional.empty();
  }

  /** String member {@code name}, trimmed; empty when absent, {@code null} or blank. */
  public Optional<String> nonBlank(String name) {
    return text(name).map(String::strip).filter(s -> !s.isEmpty());
  }

  /**
   * {@code "<name> <version>"} of this object's {@code name} and {@code version} members (just the
   * name without a version), as reports name their scanner; empty without a name.
   */
  public Optional<String> nameAndVersion() {
    requireObject();
    return nonBlank("name").map(name -> name + nonBlank("version").map(v -> " " + v).orElse(""));
  }

  /** String member {@code name}, which must be present and not blank. */
  public String required(String name) {
    return nonBlank(name).orElseThrow(() -> error("'" + name + "' is missing or empty"));
  }

  /** This value, which must be a string. */
  public String asText() {
    if (!json.isTextual()) {
      throw error("expected a string, found " + kind());
    }
    return json.textValue();
  }

  /**
   * Number member {@code name} (a JSON number, or a string holding one, as SARIF's {@code
   * security-severity}); empty when absent, {@code null} or an empty string.
   */
  public Optional<Double> number(String name) {
    Optional<Node> member = member(name);
    if (member.isEmpty()) {
      return Optional.empty();
    }
    Node m = member.get();
    if (m.json.isNumber()) {
      return Optional.of(m.json.doubleValue());
    }
    if (m.json.isTextual()) {
      String text = m.json.textValue().strip();
      if (text.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(Double.parseDouble(text));
      } catch (NumberFormatException e) {
        throw m.error("'" + Strings.abbreviate(text) + "' is not a number");
      }
    }
    throw m.error("expected a number, found " + m.kind());
  }

  /** Integer member {@code name}; empty when absent or {@code null}. */
  public Optional<Long> integer(String name) {
    Optional<Node> member = member(name);
    if (member.isEmpty()) {
      return Optional.empty();
    }
    Node m = member.get();
    if (!m.json.isIntegralNumber() || !m.json.canConvertToLong()) {
      throw m.error("expected an integer, found " + m.kind());
    }
    return Optional.of(m.json.longValue());
  }

  /**
   * Timestamp member {@code name} (RFC 3339 with an offset, as Go writes {@code time.Time}); empty
   * when absent, {@code null} or an empty string.
   */
  public Optional<Instant> timestamp(String name) {
    Optional<String> text = nonBlank(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          OffsetDateTime.parse(text.get(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      throw member(name)
          .orElseThrow()
          .error("'" + Strings.abbreviate(text.get()) + "' is not an RFC 3339 date and time");
    }
  }

  private String kind() {
    switch (json.getNodeType()) {
      case OBJECT:
        return "an object";
      case ARRAY:
        return "an array";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      default:
        return json.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Override
  public String toString() {
    return path;
  }
}
