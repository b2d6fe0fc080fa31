package io.wharf.oci.model;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.OciException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {

  private static final String EMPTY_SHA256 =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void parsesAndFormatsSha256() {
    Digest d = Digest.parse(EMPTY_SHA256);
    assertThat(d.algorithm()).isEqualTo("sha256");
    assertThat(d.algorithmKind()).contains(DigestAlgorithm.SHA256);
    assertThat(d).hasToString(EMPTY_SHA256);
    assertThat(Digest.sha256(Bytes.empty())).isEqualTo(d);
  }

  @Test
  void upperCaseHexIsRefusedForRegisteredAlgorithms() {
    assertThatThrownBy(() -> Digest.parse(EMPTY_SHA256.toUpperCase().replace("SHA256", "sha256")))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("lower-case hex")
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.DIGEST_INVALID);
  }

  @Test
  void unknownAlgorithmsParseButCannotBeVerified() {
    Digest d = Digest.parse("blake3:abc");
    assertThat(d.algorithmKind()).isEmpty();
    assertThatThrownBy(d::requireAlgorithm)
        .isInstanceOf(InvalidContentException.class)
        .hasMessageContaining("unsupported digest algorithm");
  }

  @Test
  void grammarViolationsAreRefused() {
    for (String bad :
        new String[] {
          "",
          "sha256",
          ":abc",
          "sha256:",
          "SHA256:abc",
          "sha256+-b:abc",
          "sha256:ab/c",
          "sha256:" + "a".repeat(63),
          "sha512:" + "a".repeat(64),
          "x:" + "a".repeat(300)
        }) {
      assertThatThrownBy(() -> Digest.parse(bad))
          .as(bad)
          .isInstanceOf(InvalidContentException.class)
          .extracting(e -> ((OciException) e).code())
          .isEqualTo(ErrorCode.DIGEST_INVALID);
    }
  }

  @Test
  void verifyingStreamFailsAtTheEndOnTamperedContent() throws Exception {
    byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
    Digest good = Digest.sha256(Bytes.of(content));
    try (InputStream in = Digests.verifying(new ByteArrayInputStream(content), good, 5)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    byte[] tampered = "hellO".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                Digests.verifying(new ByteArrayInputStream(tampered), good, 5)
                    .transferTo(OutputStream.nullOutputStream()))
        .isInstanceOf(InvalidContentException.class)
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.DIGEST_INVALID);
    assertThatThrownBy(
            () ->
                Digests.verifying(new ByteArrayInputStream(content), good, 4)
                    .transferTo(OutputStream.nullOutputStream()))
        .isInstanceOf(InvalidContentException.class)
        .extracting(e -> ((OciException) e).code())
        .isEqualTo(ErrorCode.SIZE_INVALID);
  }

  @Test
  void anyStringEitherParsesOrFailsWithDigestInvalid() {
    qt().forAll(anyStrings())
        .checkAssert(
            text -> {
              try {
                Digest d = Digest.parse(text);
                assertThat(Digest.parse(d.toString())).isEqualTo(d);
              } catch (InvalidContentException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID);
              }
            });
  }
}
