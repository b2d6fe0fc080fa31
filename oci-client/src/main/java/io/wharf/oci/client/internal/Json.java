package io.wharf.oci.client.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client's only Jackson code: reads small JSON documents from the network or from config files
 * into plain maps and lists, strictly (duplicate keys and trailing tokens refused, nesting
 * bounded). Every failure is an {@link IOException} naming what was read; Jackson exceptions never
 * escape.
 */
public final class Json {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              new com.fasterxml.jackson.core.JsonFactoryBuilder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(32)
                          .maxStringLength(1024 * 1024)
                          .maxNumberLength(32)
                          .build())
                  .build())
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private Json() {}

  /** Reads a JSON object; {@code what} names it in errors. */
  public static Map<String, Object> readObject(byte[] json, String what) throws IOException {
    try {
      Map<String, Object> map = MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
      if (map == null) {
        throw new IOException(what + " is not a JSON object");
      }
      return map;
    } catch (JsonProcessingException e) {
      throw invalid(e, what);
    }
  }

  private static IOException invalid(JsonProcessingException e, String what) {
    // Not the parser's message: it quotes the offending text, which may be a secret (a credential
    // helper's or token server's answer, a config file's auth value).
    var at = e.getLocation();
    return new IOException(
        what
            + " is not valid JSON"
            + (at == null
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
  }

  /**
   * Reads the string array {@code field} of a JSON object (a tag or repository list page), without
   * building the rest: other members are skipped, and reading fails as soon as the listing, which
   * already holds {@code before} entries, would pass {@code maxEntries}; so a page of many short
   * strings never fills the heap. A missing or null field is an empty list. The document is checked
   * as strictly as by {@link #readObject}.
   */
  public static List<String> readStringArray(
      byte[] json, String field, int before, int maxEntries, String what) throws IOException {
    List<String> values = new ArrayList<>();
    try (JsonParser p = MAPPER.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(what + " is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (!name.equals(field) || value == JsonToken.VALUE_NULL) {
          p.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new IOException(field + " is not a JSON array");
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          if (t != JsonToken.VALUE_STRING) {
            throw new IOException(field + "[" + values.size() + "] is not a JSON string");
          }
          if (before + values.size() >= maxEntries) {
            throw new IOException(what + " has more than " + maxEntries + " entries");
          }
          values.add(p.getText());
        }
      }
      if (p.nextToken() != null) {
        throw new IOException(what + " is not valid JSON (content after the object)");
      }
      return values;
    } catch (JsonProcessingException e) {
      throw invalid(e, what);
    }
  }

  /** {@code value} as an object, or an exception naming {@code field}. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> asObject(Object value, String field) throws IOException {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IOException(field + " is not a JSON object");
  }

  /** {@code value} as a string, or an exception naming {@code field}. */
  public static String asString(Object value, String field) throws IOException {
    if (value instanceof String s) {
      return s;
    }
    throw new IOException(field + " is not a JSON string");
  }

  /** {@code value} as a list of strings, or an exception naming {@code field}. */
  public static List<String> asStringList(Object value, String field) throws IOException {
    if (!(value instanceof List<?> list)) {
      throw new IOException(field + " is not a JSON array");
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String)) {
        throw new IOException(field + "[" + i + "] is not a JSON string");
      }
    }
    @SuppressWarnings("unchecked")
    List<String> strings = (List<String>) list;
    return strings;
  }

  /** {@code value} as a whole number, or an exception naming {@code field}. */
  public static long asLong(Object value, String field) throws IOException {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new IOException(field + " is not a whole number");
  }
}
