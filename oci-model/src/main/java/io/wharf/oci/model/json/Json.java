package io.wharf.oci.model.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one place Wharf configures Jackson. Reading is strict about syntax (duplicate keys and
 * trailing content are errors, nesting and sizes are bounded) and lenient about content (unknown
 * fields are ignored, and survive in the raw bytes). Writing is compact, with keys in the order the
 * writer gives and Go's escaping of {@code <}, {@code >} and {@code &}, so that bytes we produce
 * match what Go tools produce for the same value.
 */
public final class Json {

  /** Deepest nesting accepted: manifests and configs are shallow. */
  public static final int MAX_NESTING_DEPTH = 64;

  private static final JsonFactory FACTORY =
      new JsonFactoryBuilder()
          .characterEscapes(new GoEscapes())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .maxNumberLength(64)
                  .maxStringLength(64 * 1024 * 1024)
                  .build())
          .build();

  private static final ObjectMapper MAPPER =
      new ObjectMapper(FACTORY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  private Json() {}

  /**
   * Parses {@code bytes} as one JSON value.
   *
   * @param what names the content in error messages, e.g. "manifest"
   * @param code the error code for malformed JSON
   * @throws InvalidContentException when the bytes are not exactly one JSON value
   */
  public static JsonNode read(Bytes bytes, String what, ErrorCode code) {
    try (JsonParser parser = FACTORY.createParser(bytes.openStream())) {
      JsonNode node = MAPPER.readTree(parser);
      if (node == null || node.isMissingNode()) {
        throw new InvalidContentException(code, what + " is empty, expected JSON");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidContentException(
          code, what + " is not valid JSON: " + e.getOriginalMessage(), (Throwable) null);
    } catch (CharConversionException e) {
      // Jackson's UTF-32 decoder reports malformed input as a plain IOException.
      throw new InvalidContentException(
          code, what + " is not valid JSON: " + e.getMessage(), (Throwable) null);
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    } catch (NumberFormatException e) {
      // A number such as 1e-3000000000 whose exponent does not fit a BigDecimal.
      throw new InvalidContentException(
          code, what + " is not valid JSON: " + e.getMessage(), (Throwable) null);
    }
  }

  /** Writes one JSON value with {@code body} and returns the bytes. */
  public static Bytes write(JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      body.writeTo(generator);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return Bytes.of(out.toByteArray());
  }

  /** Writes a value to a generator. */
  @FunctionalInterface
  public interface JsonBody {
    /** Writes exactly one JSON value. */
    void writeTo(JsonGenerator generator) throws IOException;
  }

  /** Go's encoding/json escapes HTML-sensitive characters and the JavaScript line separators. */
  private static final class GoEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] escapes;

    GoEscapes() {
      escapes = standardAsciiEscapesForJSON();
      escapes['<'] = ESCAPE_CUSTOM;
      escapes['>'] = ESCAPE_CUSTOM;
      escapes['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }
}
