package io.wharf.oci.policy.sign.internal.notation;

import io.wharf.oci.model.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded reader of CBOR (RFC 8949) data items, and the one encoding COSE verification needs (the
 * {@code Sig_structure}). Written here rather than taken from Jackson's CBOR parser because COSE
 * needs what a JSON-shaped parser drops: integer map labels distinct from text labels ({@code 1} is
 * not {@code "1"}), and the tags of nested items ({@code 18} around the message, {@code 1} around
 * times).
 *
 * <p>Items become Java values: unsigned and negative integers {@link Long} (beyond its range
 * refused), byte strings {@link Bytes}, text strings {@link String} (valid UTF-8 only), arrays
 * {@link List}, maps {@link Map} (in order; duplicate keys refused), tags {@link Tagged}, {@code
 * true}/{@code false} {@link Boolean}, {@code null}/{@code undefined} {@link Simple}; floats are
 * refused (no signature field is one). Indefinite lengths are refused (Notation writes none).
 * Depth, item count and lengths are bounded, so no input can exhaust memory or recurse without end.
 */
final class Cbor {

  /** The deepest nesting read. */
  static final int MAX_DEPTH = 16;

  /** The most data items in one document. */
  static final int MAX_ITEMS = 4096;

  private final byte[] in;
  private int pos;
  private int items;

  private Cbor(byte[] in) {
    this.in = in;
  }

  /** A tagged item. */
  record Tagged(long tag, Object value) {}

  /** {@code null} or {@code undefined}. */
  enum Simple {
    NULL,
    UNDEFINED
  }

  /**
   * The one data item that {@code bytes} hold.
   *
   * @throws BadSignatureException when it is not exactly one well-formed item within the bounds
   */
  static Object decode(byte[] bytes) throws BadSignatureException {
    Cbor reader = new Cbor(bytes);
    Object item = reader.item(0);
    if (reader.pos != bytes.length) {
      throw new BadSignatureException("CBOR: content after the data item");
    }
    return item;
  }

  private Object item(int depth) throws BadSignatureException {
    if (depth > MAX_DEPTH) {
      throw new BadSignatureException("CBOR: nested deeper than " + MAX_DEPTH);
    }
    if (++items > MAX_ITEMS) {
      throw new BadSignatureException("CBOR: more than " + MAX_ITEMS + " data items");
    }
    int initial = next();
    int major = initial >>> 5;
    int info = initial & 0x1f;
    if (major == 7) {
      return simple(info);
    }
    long argument = argument(info);
    switch (major) {
      case 0:
        return unsigned(argument);
      case 1:
        return -1 - unsigned(argument);
      case 2:
        return Bytes.of(take(argument));
      case 3:
        return text(take(argument));
      case 4:
        {
          int count = count(argument);
          List<Object> list = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            list.add(item(depth + 1));
          }
          return List.copyOf(list);
        }
      case 5:
        {
          int count = count(argument);
          Map<Object, Object> map = new LinkedHashMap<>();
          for (int i = 0; i < count; i++) {
            Object key = item(depth + 1);
            Object value = item(depth + 1);
            if (map.putIfAbsent(key, value) != null) {
              throw new BadSignatureException("CBOR: duplicate map key " + describe(key));
            }
          }
          return map;
        }
      default: // 6: a tag
        return new Tagged(argument, item(depth + 1));
    }
  }

  private Object simple(int info) throws BadSignatureException {
    switch (info) {
      case 20:
        return Boolean.FALSE;
      case 21:
        return Boolean.TRUE;
      case 22:
        return Simple.NULL;
      case 23:
        return Simple.UNDEFINED;
      case 25:
      case 26:
      case 27:
        throw new BadSignatureException("CBOR: floating-point values are not part of a signature");
      default:
        throw new BadSignatureException("CBOR: unsupported simple value " + info);
    }
  }

  private long argument(int info) throws BadSignatureException {
    if (info < 24) {
      return info;
    }
    switch (info) {
      case 24:
        return readUnsigned(1);
      case 25:
        return readUnsigned(2);
      case 26:
        return readUnsigned(4);
      case 27:
        return readUnsigned(8);
      case 31:
        throw new BadSignatureException("CBOR: indefinite lengths are not supported");
      default:
        throw new BadSignatureException("CBOR: reserved additional information " + info);
    }
  }

  private static long unsigned(long argument) throws BadSignatureException {
    if (argument < 0) {
      throw new BadSignatureException("CBOR: an integer beyond 64-bit signed range");
    }
    return argument;
  }

  private int count(long argument) throws BadSignatureException {
    // every element takes at least one byte: a count beyond what is left cannot be real
    if (argument < 0 || argument > in.length - pos) {
      throw new BadSignatureException("CBOR: a length beyond the end of the input");
    }
    return (int) argument;
  }

  private byte[] take(long length) throws BadSignatureException {
    int n = count(length);
    byte[] out = Arrays.copyOfRange(in, pos, pos + n);
    pos += n;
    return out;
  }

  private long readUnsigned(int bytes) throws BadSignatureException {
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value = (value << 8) | next();
    }
    return value;
  }

  private int next() throws BadSignatureException {
    if (pos >= in.length) {
      throw new BadSignatureException("CBOR: unexpected end of input");
    }
    return in[pos++] & 0xff;
  }

  private static String text(byte[] utf8) throws BadSignatureException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadSignatureException("CBOR: a text string that is not UTF-8");
    }
  }

  /** How messages name a map key: integers and short texts as they are. */
  static String describe(Object key) {
    if (key instanceof String s) {
      return '"' + Envelopes.clip(s) + '"';
    }
    return key instanceof Long ? key.toString() : key.getClass().getSimpleName();
  }

  /**
   * COSE's {@code Sig_structure} for COSE_Sign1 (RFC 9052 section 4.4): {@code ["Signature1",
   * protected, h'', payload]}, in CBOR's preferred (shortest) encoding.
   */
  static byte[] sigStructure(byte[] protectedHeader, byte[] payload) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(protectedHeader.length + payload.length + 32);
    out.write(0x84);
    byte[] context = "Signature1".getBytes(StandardCharsets.US_ASCII);
    head(out, 3, context.length);
    out.writeBytes(context);
    head(out, 2, protectedHeader.length);
    out.writeBytes(protectedHeader);
    head(out, 2, 0);
    head(out, 2, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static void head(ByteArrayOutputStream out, int major, long length) {
    int type = major << 5;
    if (length < 24) {
      out.write(type | (int) length);
    } else if (length < 0x100) {
      out.write(type | 24);
      out.write((int) length);
    } else if (length < 0x10000) {
      out.write(type | 25);
      out.write((int) (length >>> 8));
      out.write((int) length);
    } else {
      out.write(type | 26);
      for (int shift = 24; shift >= 0; shift -= 8) {
        out.write((int) (length >>> shift));
      }
    }
  }
}
