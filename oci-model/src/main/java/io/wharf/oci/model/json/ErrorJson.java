package io.wharf.oci.model.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Encoding and lenient decoding of error bodies. */
public final class ErrorJson {

  private ErrorJson() {}

  /** Parses an error body; empty when it is not one. */
  public static Optional<ErrorResponse> decode(Bytes body) {
    if (body.size() > ErrorResponse.MAX_BYTES) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = Json.read(body, "error body", ErrorCode.UNKNOWN);
    } catch (InvalidContentException e) {
      return Optional.empty();
    }
    JsonNode errors = root.get("errors");
    if (errors == null || !errors.isArray()) {
      return Optional.empty();
    }
    List<ErrorResponse.Entry> entries = new ArrayList<>();
    for (JsonNode e : errors) {
      if (!e.isObject()) {
        continue;
      }
      JsonNode code = e.get("code");
      JsonNode message = e.get("message");
      JsonNode detail = e.get("detail");
      entries.add(
          new ErrorResponse.Entry(
              code != null && code.isTextual() ? code.textValue() : "UNKNOWN",
              message != null && message.isTextual() ? message.textValue() : "",
              detail == null || detail.isNull() ? Optional.empty() : Optional.of(plain(detail))));
    }
    return Optional.of(new ErrorResponse(entries));
  }

  private static Object plain(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (var e : node.properties()) {
        if (!e.getValue().isNull()) {
          map.put(e.getKey(), plain(e.getValue()));
        }
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      for (JsonNode item : node) {
        if (!item.isNull()) {
          list.add(plain(item));
        }
      }
      return list;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    return node.asText();
  }

  /** The JSON bytes of {@code response}. */
  public static Bytes encode(ErrorResponse response) {
    return Json.write(g -> write(g, response));
  }

  private static void write(JsonGenerator g, ErrorResponse response) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("errors");
    for (ErrorResponse.Entry e : response.errors()) {
      g.writeStartObject();
      g.writeStringField("code", e.code());
      g.writeStringField("message", e.message());
      if (e.detail().isPresent()) {
        g.writeFieldName("detail");
        writePlain(g, e.detail().get());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writePlain(JsonGenerator g, Object value) throws IOException {
    if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (var e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writePlain(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof Iterable<?> list) {
      g.writeStartArray();
      for (Object item : list) {
        writePlain(g, item);
      }
      g.writeEndArray();
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Long || value instanceof Integer) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof java.math.BigInteger big) {
      g.writeNumber(big);
    } else if (value instanceof java.math.BigDecimal dec) {
      g.writeNumber(dec);
    } else if (value instanceof Number n) {
      g.writeNumber(n.doubleValue());
    } else {
      g.writeString(String.valueOf(value));
    }
  }
}
