package io.wharf.oci.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Strict, typed access to the fields of a JSON object, with errors that name the field by its path
 * ({@code layers[2].size: must be a non-negative integer}). A field that is present with JSON
 * {@code null} counts as absent, as in Go. Each object is read with the {@link Keys} of its kind,
 * which refuse a key that Go would read as a known field but that is not spelt as one.
 */
public final class Fields {

  private final JsonNode node;
  private final String path;
  private final ErrorCode code;

  private Fields(JsonNode node, String path, ErrorCode code) {
    this.node = node;
    this.path = path;
    this.code = code;
  }

  /**
   * The fields of {@code node}, which must be an object whose keys {@code keys} accept.
   *
   * @throws InvalidContentException when it is not an object or has a key that differs only in case
   *     from a known key
   */
  public static Fields of(JsonNode node, String path, ErrorCode code, Keys keys) {
    if (!node.isObject()) {
      throw new InvalidContentException(
          code, (path.isEmpty() ? "document" : path) + ": must be a JSON object");
    }
    keys.check(node, path, code);
    return new Fields(node, path, code);
  }

  /** The path of this object, for messages. */
  public String path() {
    return path;
  }

  /** The error code used for errors. */
  public ErrorCode code() {
    return code;
  }

  /** Whether {@code name} is present and not null. */
  public boolean has(String name) {
    JsonNode value = node.get(name);
    return value != null && !value.isNull();
  }

  /** The path of field {@code name}. */
  public String pathOf(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** An error about field {@code name}. */
  public InvalidContentException error(String name, String problem) {
    return new InvalidContentException(code, pathOf(name) + ": " + problem);
  }

  /** The raw node of a present field. */
  public Optional<JsonNode> node(String name) {
    return has(name) ? Optional.of(node.get(name)) : Optional.empty();
  }

  /** A required string. */
  public String string(String name) {
    return optString(name).orElseThrow(() -> error(name, "is required"));
  }

  /** An optional string. */
  public Optional<String> optString(String name) {
    return node(name)
        .map(
            value -> {
              if (!value.isTextual()) {
                throw error(name, "must be a string");
              }
              return value.textValue();
            });
  }

  /** A required non-negative integer that fits a long. */
  public long size(String name) {
    return optLong(name).orElseThrow(() -> error(name, "is required"));
  }

  /** An optional non-negative integer that fits a long. */
  public Optional<Long> optLong(String name) {
    return node(name).map(value -> longValue(value, pathOf(name)));
  }

  private long longValue(JsonNode value, String where) {
    if (!value.isIntegralNumber()) {
      throw new InvalidContentException(code, where + ": must be a non-negative integer");
    }
    BigInteger big = value.bigIntegerValue();
    if (big.signum() < 0 || big.bitLength() > 63) {
      throw new InvalidContentException(
          code, where + ": must be a non-negative integer below 2^63, got " + big);
    }
    return big.longValue();
  }

  /** A required integer (any sign) that fits an int. */
  public int integer(String name) {
    JsonNode value = node(name).orElseThrow(() -> error(name, "is required"));
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw error(name, "must be an integer");
    }
    return value.intValue();
  }

  /** An optional boolean. */
  public Optional<Boolean> optBoolean(String name) {
    return node(name)
        .map(
            value -> {
              if (!value.isBoolean()) {
                throw error(name, "must be true or false");
              }
              return value.booleanValue();
            });
  }

  /** An optional nested object with the keys {@code keys}. */
  public Optional<Fields> optObject(String name, Keys keys) {
    return node(name).map(value -> Fields.of(value, pathOf(name), code, keys));
  }

  /** A required nested object with the keys {@code keys}. */
  public Fields object(String name, Keys keys) {
    return optObject(name, keys).orElseThrow(() -> error(name, "is required"));
  }

  /** An optional array of strings; absent is empty. */
  public List<String> strings(String name) {
    Optional<JsonNode> value = node(name);
    if (value.isEmpty()) {
      return List.of();
    }
    if (!value.get().isArray()) {
      throw error(name, "must be an array of strings");
    }
    List<String> result = new ArrayList<>(value.get().size());
    int i = 0;
    for (JsonNode item : value.get()) {
      if (!item.isTextual()) {
        throw new InvalidContentException(code, pathOf(name) + "[" + i + "]: must be a string");
      }
      result.add(item.textValue());
      i++;
    }
    return result;
  }

  /** An optional object whose values are all strings; absent is empty. Keeps key order. */
  public Map<String, String> stringMap(String name) {
    Optional<JsonNode> value = node(name);
    if (value.isEmpty()) {
      return Map.of();
    }
    if (!value.get().isObject()) {
      throw error(name, "must be an object of strings");
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (var entry : value.get().properties()) {
      if (!entry.getValue().isTextual()) {
        throw new InvalidContentException(
            code, pathOf(name) + "." + entry.getKey() + ": must be a string");
      }
      result.put(entry.getKey(), entry.getValue().textValue());
    }
    return result;
  }

  /** A required array of objects with the keys {@code keys}, each read by {@code reader}. */
  public <T> List<T> objects(String name, Keys keys, Function<Fields, T> reader) {
    JsonNode value = node(name).orElseThrow(() -> error(name, "is required"));
    if (!value.isArray()) {
      throw error(name, "must be an array");
    }
    List<T> result = new ArrayList<>(value.size());
    int i = 0;
    for (JsonNode item : value) {
      String itemPath = pathOf(name) + "[" + i + "]";
      result.add(reader.apply(Fields.of(item, itemPath, code, keys)));
      i++;
    }
    return result;
  }
}
