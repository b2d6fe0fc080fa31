package io.wharf.oci.policy.sign.internal.notation;

import static io.wharf.oci.policy.sign.NotationFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.policy.sign.internal.notation.Envelope.SigningScheme;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The envelope readers keep Notation's rules and their bounds: unknown algorithms, critical headers
 * and plugins, missing times, bombs of depth and size, and chains that loop or are too long are
 * refused with a reason.
 */
class EnvelopesTest {

  private static final byte[] VALID =
      bytes(
          "oci-layouts/e2e-valid-signature/blobs/sha256/c9af07e038b2b1a463e648986ad7273157511ffeba0b689f33e5472bae471f50");

  private static void refused(byte[] envelope, String mediaType, String message) {
    assertThatThrownBy(() -> Envelopes.parse(mediaType, envelope))
        .isInstanceOf(BadSignatureException.class)
        .hasMessage(message);
  }

  @Test
  void theRealJwsEnvelopeReads() throws Exception {
    Envelope envelope = Envelopes.parse(Envelopes.JWS, VALID);
    assertThat(envelope.format()).isEqualTo("JWS");
    assertThat(envelope.algorithm()).isEqualTo(SignatureAlgorithm.PS256);
    assertThat(envelope.scheme()).isEqualTo(SigningScheme.X509);
    assertThat(envelope.signingTime()).isEqualTo(Instant.parse("2023-06-27T05:30:33Z"));
    assertThat(envelope.expiry()).isEmpty();
    assertThat(envelope.chain()).hasSize(1);
    assertThat(envelope.timestamp()).isEmpty();
    assertThat(envelope.signatureVerifies()).isTrue();
  }

  @Test
  void theRealCoseEnvelopeReads() throws Exception {
    Envelope envelope = Envelopes.parse(Envelopes.COSE, bytes("notation-go/coseWithTimestamp.sig"));
    assertThat(envelope.format()).isEqualTo("COSE");
    assertThat(envelope.algorithm()).isEqualTo(SignatureAlgorithm.PS256);
    assertThat(envelope.timestamp()).isPresent();
    assertThat(envelope.signatureVerifies()).isTrue();
  }

  @Test
  void unknownAlgorithmsAreRefused() {
    for (String alg : new String[] {"HS256", "none", "RS256", "EdDSA"}) {
      refused(
          Mutations.protectedHeader(VALID, h -> h.put("alg", alg)),
          Envelopes.JWS,
          "unsupported signature algorithm " + alg);
    }
  }

  @Test
  void criticalHeadersMustBeUnderstoodAndPresent() {
    refused(
        Mutations.protectedHeader(VALID, h -> h.withArray("crit").add("io.example.mustUnderstand")),
        Envelopes.JWS,
        "the critical header io.example.mustUnderstand is not understood");
    refused(
        Mutations.protectedHeader(VALID, h -> h.withArray("crit").add(Envelopes.EXPIRY)),
        Envelopes.JWS,
        "the critical header io.cncf.notary.expiry is missing");
    refused(
        Mutations.protectedHeader(VALID, h -> h.withArray("crit").removeAll()),
        Envelopes.JWS,
        "io.cncf.notary.signingScheme is not marked critical");
    refused(
        Mutations.protectedHeader(VALID, h -> h.put(Envelopes.EXPIRY, "2030-01-01T00:00:00Z")),
        Envelopes.JWS,
        "io.cncf.notary.expiry is not marked critical");
    refused(
        Mutations.protectedHeader(
            VALID, h -> h.put(Envelopes.VERIFICATION_PLUGIN, "com.example.plugin")),
        Envelopes.JWS,
        "the signature requires verification plugin com.example.plugin, which Wharf does not"
            + " run");
  }

  @Test
  void theSchemeAndTimesFollowTheSpecification() {
    refused(
        Mutations.protectedHeader(VALID, h -> h.put(Envelopes.SIGNING_SCHEME, "notary.other")),
        Envelopes.JWS,
        "unknown signing scheme notary.other");
    refused(
        Mutations.protectedHeader(VALID, h -> h.remove(Envelopes.SIGNING_TIME)),
        Envelopes.JWS,
        "no io.cncf.notary.signingTime header");
    refused(
        Mutations.protectedHeader(VALID, h -> h.put(Envelopes.SIGNING_TIME, "yesterday")),
        Envelopes.JWS,
        "io.cncf.notary.signingTime is not an RFC 3339 time: yesterday");
    refused(
        Mutations.protectedHeader(
            VALID, h -> h.put(Envelopes.SIGNING_SCHEME, "notary.x509.signingAuthority")),
        Envelopes.JWS,
        "a notary.x509.signingAuthority signature has no io.cncf.notary.authenticSigningTime");
    refused(
        Mutations.protectedHeader(VALID, h -> h.put("cty", "application/json")),
        Envelopes.JWS,
        "the payload content type is application/json, not"
            + " application/vnd.cncf.notary.payload.v1+json");
  }

  @Test
  void chainsThatLoopOrAreTooLongAreRefused() {
    refused(
        Mutations.repeatLeaf(VALID, 2),
        Envelopes.JWS,
        "the certificate chain holds a certificate twice (a loop)");
    refused(
        Mutations.repeatLeaf(VALID, Envelopes.MAX_CHAIN + 1),
        Envelopes.JWS,
        "the certificate chain is longer than 10");
    refused(Mutations.repeatLeaf(VALID, 0), Envelopes.JWS, "the certificate chain is empty");
  }

  @Test
  void bombsAreRefused() {
    refused(
        new byte[Envelopes.MAX_BYTES + 1],
        Envelopes.JWS,
        "the envelope is larger than 65536 bytes");
    byte[] deepJson = Mutations.utf8("[".repeat(5000) + "]".repeat(5000));
    assertThatThrownBy(() -> Envelopes.parse(Envelopes.JWS, deepJson))
        .isInstanceOf(BadSignatureException.class)
        .hasMessageStartingWith("the JWS envelope is not valid JSON")
        .hasMessageContaining("nesting depth");
    byte[] deepCbor = new byte[20_000];
    java.util.Arrays.fill(deepCbor, (byte) 0x81); // arrays of one array of one array ...
    refused(deepCbor, Envelopes.COSE, "CBOR: nested deeper than 16");
    // a byte string that claims 2^62 bytes
    refused(
        new byte[] {(byte) 0xd2, (byte) 0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0},
        Envelopes.COSE,
        "CBOR: a length beyond the end of the input");
    refused(
        new byte[] {(byte) 0xd2, (byte) 0x9f, (byte) 0xff},
        Envelopes.COSE,
        "CBOR: indefinite lengths are not supported");
  }

  @Test
  void deepDerIsRefusedBeforeAParserSeesIt() {
    ByteArrayOutputStream der = new ByteArrayOutputStream();
    int depth = 200;
    for (int i = 0; i < depth; i++) {
      int inner = 2 * (depth - i - 1);
      der.write(0x30);
      der.write(0x81);
      der.write(inner);
    }
    assertThatThrownBy(() -> Der.checkShape("the timestamp", der.toByteArray()))
        .isInstanceOf(BadSignatureException.class);
    byte[] shallow = {0x30, 0x03, 0x02, 0x01, 0x05};
    org.assertj.core.api.Assertions.assertThatCode(() -> Der.checkShape("x", shallow))
        .doesNotThrowAnyException();
  }

  @Test
  void theSigStructureIsCoseSign1s() {
    assertThat(Cbor.sigStructure(new byte[] {(byte) 0xa0}, new byte[] {1, 2}))
        .containsExactly(
            0x84, 0x6a, 'S', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', '1', 0x41, 0xa0, 0x40, 0x42, 1,
            2);
  }
}
