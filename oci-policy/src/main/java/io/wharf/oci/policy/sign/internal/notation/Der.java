package io.wharf.oci.policy.sign.internal.notation;

/**
 * A look at DER (ASN.1) structure before a recursive parser sees it: the nesting of constructed
 * values is counted without recursion, so that a stranger's certificate or timestamp token cannot
 * exhaust the stack of the parser that reads it next.
 */
final class Der {

  /** The deepest nesting of constructed values accepted (real certificates and tokens: ~12). */
  static final int MAX_DEPTH = 48;

  private Der() {}

  /**
   * Checks that {@code der} is one DER value whose constructed values nest at most {@link
   * #MAX_DEPTH} deep and whose lengths fit inside their parents.
   *
   * @throws BadSignatureException naming {@code what} when they do not
   */
  static void checkShape(String what, byte[] der) throws BadSignatureException {
    int[] ends = new int[MAX_DEPTH + 1];
    int depth = 0;
    ends[0] = der.length;
    int pos = 0;
    while (true) {
      while (depth > 0 && pos == ends[depth]) {
        depth--;
      }
      if (pos == ends[depth]) {
        return;
      }
      if (depth == 0 && pos > 0) {
        throw new BadSignatureException(what + " has content after its DER value");
      }
      int tag = der[pos++] & 0xff;
      if ((tag & 0x1f) == 0x1f) {
        do {
          if (pos >= ends[depth]) {
            throw new BadSignatureException(what + " is not DER: a tag breaks off");
          }
        } while ((der[pos++] & 0x80) != 0);
      }
      if (pos >= ends[depth]) {
        throw new BadSignatureException(what + " is not DER: a length is missing");
      }
      int first = der[pos++] & 0xff;
      long length;
      if (first < 0x80) {
        length = first;
      } else {
        int count = first & 0x7f;
        if (count == 0) {
          throw new BadSignatureException(what + " uses BER indefinite lengths, not DER");
        }
        if (count > 4) {
          throw new BadSignatureException(what + " is not DER: a length of " + count + " bytes");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          if (pos >= ends[depth]) {
            throw new BadSignatureException(what + " is not DER: a length breaks off");
          }
          length = (length << 8) | (der[pos++] & 0xff);
        }
      }
      if (length > ends[depth] - pos) {
        throw new BadSignatureException(what + " is not DER: a length beyond its parent");
      }
      if ((tag & 0x20) != 0) {
        if (depth == MAX_DEPTH) {
          throw new BadSignatureException(what + " nests deeper than " + MAX_DEPTH);
        }
        ends[++depth] = pos + (int) length;
      } else {
        pos += (int) length;
      }
    }
  }
}
