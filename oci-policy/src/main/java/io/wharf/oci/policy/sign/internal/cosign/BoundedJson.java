package io.wharf.oci.policy.sign.internal.cosign;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads untrusted JSON (payloads, annotations, bundles, trusted roots) under bounds: document size,
 * nesting depth, string and number lengths; duplicate keys and trailing content are refused.
 * Accessors fail with a {@link Failure} that names the field.
 */
final class BoundedJson {

  /** The deepest nesting any signature document needs (a bundle is 7 deep). */
  static final int MAX_DEPTH = 16;

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxDocumentLength(CosignLimits.MAX_BUNDLE_BYTES + 1L)
                          .maxStringLength(CosignLimits.MAX_BUNDLE_BYTES)
                          .maxNameLength(256)
                          .maxNumberLength(32)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private BoundedJson() {}

  /** The JSON object in {@code bytes} (at most {@code maxBytes}), named {@code what} in reasons. */
  static JsonNode object(String what, byte[] bytes, int maxBytes) throws Failure {
    if (bytes.length > maxBytes) {
      throw new Failure(what + " is larger than " + maxBytes + " bytes");
    }
    JsonNode node;
    try (JsonParser parser = MAPPER.createParser(bytes)) {
      node = MAPPER.readTree(parser);
    } catch (JsonProcessingException e) {
      throw new Failure(what + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException | RuntimeException e) {
      throw new Failure(what + " is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new Failure(what + " is not a JSON object");
    }
    return node;
  }

  /** The object {@code field} of {@code node}. */
  static JsonNode object(JsonNode node, String what, String field) throws Failure {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw new Failure(what + " has no object '" + field + "'");
    }
    return value;
  }

  /** The object {@code field} of {@code node}, if there is one (not null). */
  static Optional<JsonNode> optionalObject(JsonNode node, String what, String field)
      throws Failure {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw new Failure(what + ": '" + field + "' is not an object");
    }
    return Optional.of(value);
  }

  /** The array {@code field} of {@code node}, of at most {@code max} items. */
  static JsonNode array(JsonNode node, String what, String field, int max) throws Failure {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new Failure(what + " has no array '" + field + "'");
    }
    if (value.size() > max) {
      throw new Failure(what + ": '" + field + "' has more than " + max + " items");
    }
    return value;
  }

  /** The string {@code field} of {@code node}. */
  static String text(JsonNode node, String what, String field) throws Failure {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new Failure(what + " has no string '" + field + "'");
    }
    return value.textValue();
  }

  /** The string {@code field} of {@code node}, if present. */
  static Optional<String> optionalText(JsonNode node, String what, String field) throws Failure {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new Failure(what + ": '" + field + "' is not a string");
    }
    return Optional.of(value.textValue());
  }

  /**
   * The non-negative integer {@code field} of {@code node}: a JSON number, or a string of digits
   * (protobuf's JSON form of int64, as bundles write it).
   */
  static long integer(JsonNode node, String what, String field) throws Failure {
    JsonNode value = node.get(field);
    if (value != null && value.isIntegralNumber() && value.canConvertToLong()) {
      long n = value.longValue();
      if (n >= 0) {
        return n;
      }
    }
    if (value != null && value.isTextual()) {
      String s = value.textValue();
      if (!s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Long.parseLong(s);
      }
    }
    throw new Failure(what + " has no non-negative integer '" + field + "'");
  }

  /** The standard base64 string {@code field} of {@code node}, decoded. */
  static byte[] base64(JsonNode node, String what, String field) throws Failure {
    return decode(what + " '" + field + "'", text(node, what, field));
  }

  /** {@code text} as standard base64 (padding optional), decoded. */
  static byte[] decode(String what, String text) throws Failure {
    try {
      return Base64.getDecoder().decode(text.trim());
    } catch (IllegalArgumentException e) {
      throw new Failure(what + " is not base64");
    }
  }
}
