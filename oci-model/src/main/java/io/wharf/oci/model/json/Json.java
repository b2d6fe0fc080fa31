package io.wharf.oci.model.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * The one place Wharf configures Jackson. Reading is strict about syntax and reads a document as
 * Go's {@code encoding/json} does (see {@link #read}), nesting and sizes are bounded, and it is
 * lenient about content (unknown fields are ignored, and survive in the raw bytes). Writing is
 * compact, with keys in the order the writer gives and Go's escaping of {@code <}, {@code >} and
 * {@code &}, so that bytes we produce match what Go tools produce for the same value.
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

  /** Writes strings for messages: anything but printable ASCII escaped. */
  private static final JsonFactory ASCII_FACTORY =
      new JsonFactoryBuilder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  /** Exact decimals: {@code 1.0} stays a decimal with a fraction, never an integer. */
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /** Output chunk of the UTF-8 check; the decoded characters are not kept. */
  private static final int DECODE_CHUNK = 4096;

  private Json() {}

  /**
   * Parses {@code bytes} as one JSON value, as Go's {@code encoding/json} reads it or not at all:
   * the bytes must be UTF-8 without a byte order mark (Go refuses one; Jackson would skip it, or
   * read UTF-16 and UTF-32), every string must be valid UTF-16 after unescaping (Go reads a lone
   * surrogate escape as U+FFFD), no key may appear twice in an object (Go keeps the last), nothing
   * but whitespace may follow the value, and {@code -0} is not read as an integer. Strict JSON: no
   * comments, single quotes, unquoted keys, trailing commas, leading zeros, {@code NaN}.
   *
   * @param what names the content in error messages, e.g. "manifest"
   * @param code the error code for malformed JSON
   * @throws InvalidContentException when the bytes are not exactly one such JSON value
   */
  public static JsonNode read(Bytes bytes, String what, ErrorCode code) {
    checkEncoding(bytes, what, code);
    try (JsonParser parser = FACTORY.createParser(bytes.openStream())) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new InvalidContentException(code, what + " is empty, expected JSON");
      }
      JsonNode node = value(parser, first, what, code);
      if (parser.nextToken() != null) {
        JsonLocation at = parser.currentLocation();
        throw new InvalidContentException(
            code,
            what
                + " is not valid JSON: content after the value at line "
                + at.getLineNr()
                + ", column "
                + at.getColumnNr());
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidContentException(
          code, what + " is not valid JSON: " + e.getOriginalMessage(), (Throwable) null);
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    } catch (NumberFormatException e) {
      // A number such as 1e-3000000000 whose exponent does not fit a BigDecimal.
      throw new InvalidContentException(
          code, what + " is not valid JSON: " + e.getMessage(), (Throwable) null);
    }
  }

  /**
   * Refuses what Go's decoder refuses before it parses (a byte order mark, bytes that are not
   * UTF-8) and what would make Jackson guess another encoding (a zero byte in the first four).
   */
  private static void checkEncoding(Bytes bytes, String what, ErrorCode code) {
    ByteBuffer in = bytes.asReadOnlyBuffer();
    int size = in.remaining();
    if (size >= 3
        && in.get(0) == (byte) 0xEF
        && in.get(1) == (byte) 0xBB
        && in.get(2) == (byte) 0xBF) {
      throw new InvalidContentException(
          code,
          what
              + " is not valid JSON: it starts with a UTF-8 byte order mark, which Go clients refuse");
    }
    for (int i = 0; i < Math.min(4, size); i++) {
      if (in.get(i) == 0) {
        throw new InvalidContentException(
            code,
            what + " is not valid JSON: a zero byte at offset " + i + " (only UTF-8 is read)");
      }
    }
    int ascii = 0;
    while (ascii < size && in.get(ascii) >= 0) {
      ascii++;
    }
    if (ascii == size) {
      return; // ASCII, the usual case: nothing to decode
    }
    in.position(ascii);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    CharBuffer out = CharBuffer.allocate(Math.min(size - ascii, DECODE_CHUNK));
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        throw new InvalidContentException(
            code, what + " is not valid JSON: not UTF-8 at byte offset " + in.position());
      }
      if (result.isUnderflow()) {
        return;
      }
      out.clear();
    }
  }

  /** Builds the value that starts with {@code token}, checking strings and numbers. */
  private static JsonNode value(JsonParser parser, JsonToken token, String what, ErrorCode code)
      throws IOException {
    switch (token) {
      case START_OBJECT:
        ObjectNode object = NODES.objectNode();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
          checkString(parser, name, what, code);
          object.set(name, value(parser, parser.nextToken(), what, code));
        }
        return object;
      case START_ARRAY:
        ArrayNode array = NODES.arrayNode();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          array.add(value(parser, t, what, code));
        }
        return array;
      case VALUE_STRING:
        String text = parser.getText();
        checkString(parser, text, what, code);
        return NODES.textNode(text);
      case VALUE_NUMBER_INT:
        if (parser.getTextLength() == 2 && parser.getText().equals("-0")) {
          // Go reads -0 as the integer 0 and as the float -0; neither reading is taken as an
          // integer here, so that a size or schemaVersion of -0 is refused.
          return NODES.numberNode(-0.0d);
        }
        switch (parser.getNumberType()) {
          case INT:
            return NODES.numberNode(parser.getIntValue());
          case LONG:
            return NODES.numberNode(parser.getLongValue());
          default:
            return NODES.numberNode(parser.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new InvalidContentException(code, what + " is not valid JSON: unexpected " + token);
    }
  }

  /** Refuses a string with a lone surrogate, which only a backslash-u escape can make. */
  private static void checkString(JsonParser parser, String s, String what, ErrorCode code) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
        continue;
      }
      throw new InvalidContentException(
          code,
          what
              + " has a lone surrogate escape (\\u"
              + Integer.toHexString(c)
              + ") at "
              + parser.getParsingContext().pathAsPointer()
              + ", which Go clients read as U+FFFD: it is ambiguous");
    }
  }

  /** {@code s} as a JSON string of printable ASCII (others escaped), for messages. */
  static String quoted(String s) {
    StringWriter out = new StringWriter(s.length() + 2);
    try (JsonGenerator generator = ASCII_FACTORY.createGenerator(out)) {
      generator.writeString(s);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toString();
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
