package io.wharf.oci.policy.scanner;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of the Pluggable Scanner API, read with bounds and validated field by field (every error
 * names the field's path), and the scan request written. Jackson stays in here.
 */
final class ScannerJson {

  /** The largest metadata, scan answer or error body read (1 MiB). */
  static final int MAX_JSON_BYTES = 1 << 20;

  /** The deepest nesting of objects and arrays read. */
  static final int MAX_DEPTH = 32;

  /** The most capabilities a metadata answer may list. */
  static final int MAX_CAPABILITIES = 64;

  /** The most media types a capability may list in each of its lists. */
  static final int MAX_MIME_TYPES = 64;

  /** The most properties a metadata answer may carry. */
  static final int MAX_PROPERTIES = 256;

  /** The longest name, vendor, version, capability type or property key. */
  static final int MAX_NAME = 256;

  /** The longest property value. */
  static final int MAX_VALUE = 4096;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxStringLength(MAX_JSON_BYTES)
                          .maxNumberLength(64)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private ScannerJson() {}

  /** A field of the document that is not what the API defines. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  /** {@code body} as a JSON object. */
  static ObjectNode object(Bytes body) throws Invalid {
    JsonNode root;
    try {
      root = MAPPER.readTree(body.toByteArray());
    } catch (JsonProcessingException e) {
      throw new Invalid("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Invalid("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new Invalid("not a JSON object");
    }
    return (ObjectNode) root;
  }

  /**
   * The metadata in {@code root}. {@code version} is the API version when the client was told one,
   * else empty: then 1.2 when {@code answeredV12} (the 1.2 media type) or a capability has a type.
   */
  static ScannerMetadata metadata(
      ObjectNode root, Optional<ApiVersion> version, boolean answeredV12) throws Invalid {
    JsonNode scanner = root.get("scanner");
    if (scanner == null || !scanner.isObject()) {
      throw new Invalid("scanner: required, an object");
    }
    String name = text(scanner, "name", "scanner.name", MAX_NAME).orElse("");
    String vendor = text(scanner, "vendor", "scanner.vendor", MAX_NAME).orElse("");
    String scannerVersion = text(scanner, "version", "scanner.version", MAX_NAME).orElse("");
    JsonNode caps = root.get("capabilities");
    if (caps == null || !caps.isArray()) {
      throw new Invalid("capabilities: required, an array");
    }
    if (caps.size() > MAX_CAPABILITIES) {
      throw new Invalid("capabilities: more than " + MAX_CAPABILITIES);
    }
    List<ScannerCapability> capabilities = new ArrayList<>();
    boolean typed = false;
    for (int i = 0; i < caps.size(); i++) {
      String path = "capabilities[" + i + "]";
      JsonNode c = caps.get(i);
      if (!c.isObject()) {
        throw new Invalid(path + ": an object");
      }
      Optional<String> type = text(c, "type", path + ".type", MAX_NAME);
      typed |= type.isPresent();
      capabilities.add(
          new ScannerCapability(
              type.filter(t -> !t.isBlank()).orElse(ScannerCapability.VULNERABILITY),
              mediaTypes(c, "consumes_mime_types", path),
              mediaTypes(c, "produces_mime_types", path),
              sbomMediaTypes(c, path)));
    }
    Map<String, String> properties = properties(root.get("properties"));
    ApiVersion api = version.orElse(answeredV12 || typed ? ApiVersion.V1_2 : ApiVersion.V1_1);
    return new ScannerMetadata(name, vendor, scannerVersion, capabilities, properties, api);
  }

  private static List<MediaType> mediaTypes(JsonNode capability, String field, String path)
      throws Invalid {
    String where = path + "." + field;
    JsonNode list = capability.get(field);
    if (list == null || !list.isArray()) {
      throw new Invalid(where + ": required, an array");
    }
    List<String> values = strings(list, where, MAX_MIME_TYPES, MediaType.MAX_LENGTH);
    List<MediaType> types = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      try {
        types.add(MediaType.parse(values.get(i)));
      } catch (InvalidContentException e) {
        throw new Invalid(where + "[" + i + "]: not a media type");
      }
    }
    return types;
  }

  private static List<String> sbomMediaTypes(JsonNode capability, String path) throws Invalid {
    JsonNode attributes = capability.get("additional_attributes");
    if (attributes == null || attributes.isNull()) {
      return List.of();
    }
    String where = path + ".additional_attributes";
    if (!attributes.isObject()) {
      throw new Invalid(where + ": an object");
    }
    JsonNode types = attributes.get("sbom_media_types");
    if (types == null || types.isNull()) {
      return List.of();
    }
    if (!types.isArray()) {
      throw new Invalid(where + ".sbom_media_types: an array");
    }
    return strings(types, where + ".sbom_media_types", MAX_MIME_TYPES, MediaType.MAX_LENGTH);
  }

  private static List<String> strings(JsonNode array, String where, int maxItems, int maxLength)
      throws Invalid {
    if (array.size() > maxItems) {
      throw new Invalid(where + ": more than " + maxItems + " items");
    }
    List<String> values = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      if (!item.isTextual()) {
        throw new Invalid(where + "[" + i + "]: a string");
      }
      values.add(bounded(item.textValue(), where + "[" + i + "]", maxLength));
    }
    return values;
  }

  private static Map<String, String> properties(JsonNode node) throws Invalid {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new Invalid("properties: an object");
    }
    if (node.size() > MAX_PROPERTIES) {
      throw new Invalid("properties: more than " + MAX_PROPERTIES);
    }
    Map<String, String> properties = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String key = bounded(f.getKey(), "properties: a key", MAX_NAME);
      if (!f.getValue().isTextual()) {
        throw new Invalid("properties." + Secrets.clean(key, 64) + ": a string");
      }
      properties.put(key, bounded(f.getValue().textValue(), "properties." + key, MAX_VALUE));
    }
    return properties;
  }

  /** The string field {@code field} of {@code node}, when present and not null. */
  private static Optional<String> text(JsonNode node, String field, String where, int maxLength)
      throws Invalid {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new Invalid(where + ": a string");
    }
    return Optional.of(bounded(value.textValue(), where, maxLength));
  }

  private static String bounded(String value, String where, int maxLength) throws Invalid {
    if (value.length() > maxLength) {
      throw new Invalid(where + ": longer than " + maxLength + " characters");
    }
    return value;
  }

  /** The id of a scan answer ({@code ScanResponse}). */
  static ScanRequestId scanResponse(ObjectNode root) throws Invalid {
    Optional<String> id = text(root, "id", "id", ScanRequestId.MAX_LENGTH);
    if (id.isEmpty()) {
      throw new Invalid("id: required, a string");
    }
    try {
      return new ScanRequestId(id.get());
    } catch (IllegalArgumentException e) {
      throw new Invalid("id: " + e.getMessage());
    }
  }

  /** The adapter's message in an error answer ({@code ErrorResponse}), when it has one. */
  static Optional<String> errorMessage(Bytes body) {
    try {
      JsonNode message = object(body).path("error").path("message");
      return message.isTextual() ? Optional.of(message.textValue()) : Optional.empty();
    } catch (Invalid e) {
      return Optional.empty();
    }
  }

  /** The body of {@code POST /scan} for {@code request} in API {@code version}. */
  static Bytes scanRequest(ScanRequest request, ApiVersion version) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode registry = root.putObject("registry");
    registry.put("url", request.registryUrl().toString());
    request.registryAuthorization().ifPresent(a -> registry.put("authorization", a));
    ObjectNode artifact = root.putObject("artifact");
    artifact.put("repository", request.repository().value());
    artifact.put("digest", request.digest().toString());
    request.tag().ifPresent(t -> artifact.put("tag", t.value()));
    artifact.put("mime_type", request.mimeType().value());
    if (version == ApiVersion.V1_2) {
      ObjectNode capability = root.putArray("enabled_capabilities").addObject();
      capability.put("type", ScannerCapability.VULNERABILITY);
      if (!request.reportTypes().isEmpty()) {
        ArrayNode produces = capability.putArray("produces_mime_types");
        request.reportTypes().forEach(t -> produces.add(t.value()));
      }
    }
    try {
      return Bytes.of(MAPPER.writeValueAsBytes(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings is always written", e);
    }
  }
}
