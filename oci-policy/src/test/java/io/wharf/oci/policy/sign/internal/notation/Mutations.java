package io.wharf.oci.policy.sign.internal.notation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

/** Changes to real envelopes, made where a test wants them (and only there). */
final class Mutations {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Mutations() {}

  /** {@code envelope} (JWS or COSE) with one byte of its signature value xored with {@code xor}. */
  static byte[] changeSignatureByte(byte[] envelope, int at, int xor) {
    if (envelope[0] == '{') {
      return jws(
          envelope,
          root -> {
            byte[] signature = Base64.getUrlDecoder().decode(root.get("signature").asText());
            signature[at % signature.length] ^= (byte) xor;
            root.put(
                "signature", Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
          });
    }
    try {
      Cbor.Tagged message = (Cbor.Tagged) Cbor.decode(envelope);
      int length = ((io.wharf.oci.model.Bytes) ((java.util.List<?>) message.value()).get(3)).size();
      byte[] changed = envelope.clone();
      // the signature is the last item of the message: its bytes end the envelope
      changed[envelope.length - length + at % length] ^= (byte) xor;
      return changed;
    } catch (BadSignatureException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** JWS {@code envelope} with {@code change} applied to its JSON. */
  static byte[] jws(byte[] envelope, Consumer<ObjectNode> change) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(envelope);
      change.accept(root);
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JWS {@code envelope} with {@code change} applied to its protected header. */
  static byte[] protectedHeader(byte[] envelope, Consumer<ObjectNode> change) {
    return jws(
        envelope,
        root -> {
          try {
            ObjectNode header =
                (ObjectNode)
                    JSON.readTree(Base64.getUrlDecoder().decode(root.get("protected").asText()));
            change.accept(header);
            root.put(
                "protected",
                Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(JSON.writeValueAsBytes(header)));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** JWS {@code envelope} whose x5c chain is its first certificate {@code times} times. */
  static byte[] repeatLeaf(byte[] envelope, int times) {
    return jws(
        envelope,
        root -> {
          ArrayNode x5c = (ArrayNode) root.get("header").get("x5c");
          String leaf = x5c.get(0).asText();
          x5c.removeAll();
          for (int i = 0; i < times; i++) {
            x5c.add(leaf);
          }
        });
  }

  /** {@code text} as UTF-8. */
  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
