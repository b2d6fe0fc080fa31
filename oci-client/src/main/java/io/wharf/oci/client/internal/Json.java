package io.wharf.oci.client.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
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
      // Not the parser's message: it quotes the offending text, which may be a secret (a
      // credential helper's or token server's answer, a config file's auth value).
      var at = e.getLocation();
      throw new IOException(
          what
              + " is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
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
