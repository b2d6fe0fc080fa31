package io.wharf.oci.policy.sign.internal.notation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads the JSON of signatures and trust policies into trees, bounded: nesting, string, name and
 * number lengths and token counts are capped, duplicate keys and trailing content refused (a key
 * read twice could mean one thing here and another to Notation).
 */
final class Json {

  /** The deepest nesting read. */
  static final int MAX_DEPTH = 16;

  /** The longest string: a base64 timestamp token of a few certificates fits. */
  static final int MAX_STRING = 64 * 1024;

  /** The most tokens in one document. */
  static final int MAX_TOKENS = 20_000;

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxStringLength(MAX_STRING)
                          .maxNameLength(1024)
                          .maxNumberLength(32)
                          .maxTokenCount(MAX_TOKENS)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /**
   * The tree of {@code bytes}, which {@code what} names in messages.
   *
   * @throws BadSignatureException when it is not one JSON value within the bounds
   */
  static JsonNode read(String what, byte[] bytes) throws BadSignatureException {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new BadSignatureException(what + " is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BadSignatureException(
          what + " is not valid JSON: " + Envelopes.clip(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      throw new BadSignatureException(what + " is not valid JSON");
    }
  }
}
