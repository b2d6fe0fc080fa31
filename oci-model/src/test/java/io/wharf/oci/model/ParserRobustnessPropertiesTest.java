package io.wharf.oci.model;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.byteArrays;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.longs;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.testing.OciGenerators;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Whatever bytes or text the parsers are given, they either return a value or throw {@link
 * InvalidContentException}; {@link ErrorResponse#parse} never throws.
 */
class ParserRobustnessPropertiesTest {

  private static final ManifestCodec CODEC = ManifestCodec.defaults();

  // Media types and platforms

  @Test
  void mediaTypeParseOfAnyStringSucceedsOrFailsWithManifestInvalid() {
    qt().forAll(mediaTypeLike())
        .checkAssert(
            text -> {
              MediaType m = succeedsOrFails(() -> MediaType.parse(text));
              if (m != null) {
                assertThat(MediaType.parse(m.value())).isEqualTo(m);
              }
            });
  }

  @Test
  void platformParseOfAnyStringSucceedsOrFailsWithManifestInvalid() {
    qt().forAll(platformLike())
        .checkAssert(
            text -> {
              Platform p = succeedsOrFails(() -> Platform.parse(text));
              if (p != null) {
                assertThat(Platform.parse(p.toString())).isEqualTo(p);
              }
            });
  }

  // Manifests

  @Test
  void manifestReadOfRandomBytesSucceedsOrFailsWithInvalidContent() {
    qt().forAll(byteArrays(0, 200)).checkAssert(bytes -> readManifest(Bytes.of(bytes)));
  }

  @Test
  void manifestReadOfJsonLikeTextSucceedsOrFailsWithInvalidContent() {
    qt().withExamples(500)
        .forAll(OciGenerators.jsonLike())
        .checkAssert(text -> readManifest(Bytes.utf8(text)));
  }

  @Test
  void manifestReadOfJsonLikeBytesSucceedsOrFailsWithInvalidContent() {
    qt().withExamples(500)
        .forAll(OciGenerators.jsonLikeBytes())
        .checkAssert(bytes -> readManifest(Bytes.of(bytes)));
  }

  @Test
  void manifestReadOfMutatedManifestSucceedsOrFailsWithInvalidContent() {
    qt().withExamples(500)
        .forAll(mutatedManifests())
        .checkAssert(text -> readManifest(Bytes.utf8(text)));
  }

  @Test
  void manifestReadWithDeclaredTypeSucceedsOrFailsWithInvalidContent() {
    qt().withExamples(500)
        .forAll(mutatedManifests(), OciGenerators.mediaTypes())
        .checkAssert(
            (text, declared) -> succeedsOrFails(() -> CODEC.read(Bytes.utf8(text), declared)));
  }

  // Image configurations

  @Test
  void configParseOfRandomBytesSucceedsOrFailsWithInvalidContent() {
    qt().forAll(byteArrays(0, 200))
        .checkAssert(bytes -> succeedsOrFails(() -> ImageConfig.parse(Bytes.of(bytes))));
  }

  @Test
  void configParseOfJsonLikeTextSucceedsOrFailsWithInvalidContent() {
    qt().withExamples(500)
        .forAll(OciGenerators.jsonLike())
        .checkAssert(text -> succeedsOrFails(() -> ImageConfig.parse(Bytes.utf8(text))));
  }

  @Test
  void configParseOfJsonLikeBytesSucceedsOrFailsWithInvalidContent() {
    qt().withExamples(500)
        .forAll(OciGenerators.jsonLikeBytes())
        .checkAssert(bytes -> succeedsOrFails(() -> ImageConfig.parse(Bytes.of(bytes))));
  }

  @Test
  void configParseOfMutatedConfigSucceedsOrFailsWithInvalidContent() {
    qt().withExamples(500)
        .forAll(mutatedConfigs())
        .checkAssert(
            text -> {
              ImageConfig c = succeedsOrFails(() -> ImageConfig.parse(Bytes.utf8(text)));
              if (c != null) {
                assertThat(ImageConfig.parse(c.toBytes())).isEqualTo(c);
              }
            });
  }

  // Error bodies

  @Test
  void errorResponseParseOfRandomBytesNeverThrows() {
    qt().forAll(byteArrays(0, 200)).checkAssert(bytes -> ErrorResponse.parse(Bytes.of(bytes)));
  }

  @Test
  void errorResponseParseOfJsonLikeTextNeverThrows() {
    qt().withExamples(500)
        .forAll(OciGenerators.jsonLike())
        .checkAssert(text -> reparsesToTheSameResponse(ErrorResponse.parse(Bytes.utf8(text))));
  }

  @Test
  void errorResponseParseOfJsonLikeBytesNeverThrows() {
    qt().withExamples(500)
        .forAll(OciGenerators.jsonLikeBytes())
        .checkAssert(bytes -> reparsesToTheSameResponse(ErrorResponse.parse(Bytes.of(bytes))));
  }

  @Test
  void errorResponseParseOfErrorShapedTextNeverThrows() {
    qt().withExamples(300)
        .forAll(errorBodies())
        .checkAssert(text -> reparsesToTheSameResponse(ErrorResponse.parse(Bytes.utf8(text))));
  }

  // Found by the properties above; kept as examples

  @Test
  void utf32LookingBytesAreInvalidContent() {
    byte[] bytes = {0, 0, 0, '{', 0x7f, 0x7f, 0x7f, 0x7f, 0, 0, 0, '}'};
    assertInvalid(() -> CODEC.read(Bytes.of(bytes)));
    assertInvalid(() -> ImageConfig.parse(Bytes.of(bytes)));
    assertThat(ErrorResponse.parse(Bytes.of(bytes))).isEmpty();
  }

  @Test
  void numberWithExponentOutOfRangeIsInvalidContent() {
    Bytes manifest = Bytes.utf8("{\"schemaVersion\":1e-3000000000}");
    assertInvalid(() -> CODEC.read(manifest));
    assertInvalid(() -> ImageConfig.parse(Bytes.utf8("{\"architecture\":1e3000000000}")));
    assertThat(ErrorResponse.parse(Bytes.utf8("{\"errors\":[{\"detail\":1e-3000000000}]}")))
        .isEmpty();
  }

  private static void readManifest(Bytes bytes) {
    RawManifest raw = succeedsOrFails(() -> CODEC.read(bytes));
    if (raw != null) {
      assertThat(raw.bytes()).isEqualTo(bytes);
      assertThat(raw.digest()).isEqualTo(Digest.sha256(bytes));
      assertThat(raw.parse().mediaType()).isEqualTo(raw.mediaType());
    }
  }

  /** A parsed body writes JSON that reads back to the same JSON (numbers may change type). */
  private static void reparsesToTheSameResponse(Optional<ErrorResponse> response) {
    response.ifPresent(
        r ->
            assertThat(ErrorResponse.parse(r.toJson()).map(ErrorResponse::toJson))
                .contains(r.toJson()));
  }

  private static <T> T succeedsOrFails(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (InvalidContentException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }

  private static void assertInvalid(Runnable parse) {
    try {
      parse.run();
    } catch (InvalidContentException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
      return;
    }
    throw new AssertionError("expected InvalidContentException");
  }

  private static Gen<String> mediaTypeLike() {
    return oneOf(
        anyStrings(),
        strings("aZ09/;=\" \t\\+-.!#$&^_%'*`|~\u00e9\u0001", 0, 60),
        OciGenerators.mediaTypes().map(MediaType::value),
        OciGenerators.mediaTypes().map(m -> " " + m.value() + "\t"),
        strings("ab/", 500, 600));
  }

  private static Gen<String> platformLike() {
    return oneOf(
        anyStrings(),
        strings("linuxamd64/v8 ", 0, 20),
        OciGenerators.platforms().map(Platform::toString),
        strings("a/", 60, 140));
  }

  private static Gen<String> mutatedManifests() {
    return mutated(OciGenerators.manifests().map(m -> CODEC.encode(m).bytes()));
  }

  private static Gen<String> mutatedConfigs() {
    return mutated(OciGenerators.imageConfigs().map(ImageConfig::toBytes));
  }

  private static Gen<String> errorBodies() {
    Gen<String> entry =
        OciGenerators.jsonLike()
            .zip(
                OciGenerators.jsonLike(),
                OciGenerators.jsonLike(),
                (c, m, d) -> "{\"code\":" + c + ",\"message\":" + m + ",\"detail\":" + d + "}");
    return oneOf(
        lists(entry, 0, 3).map(l -> "{\"errors\":[" + String.join(",", l) + "]}"),
        OciGenerators.jsonLike().map(v -> "{\"errors\":" + v + "}"));
  }

  /**
   * Valid JSON documents with one value replaced by JSON-like text, or one field removed; the place
   * is picked by a {@link Random} of a generated seed.
   */
  private static Gen<String> mutated(Gen<Bytes> documents) {
    return documents.zip(
        longs(Long.MIN_VALUE, Long.MAX_VALUE),
        OciGenerators.jsonLike(),
        ParserRobustnessPropertiesTest::mutate);
  }

  private static String mutate(Bytes document, long seed, String replacement) {
    return OciGenerators.mutateJson(document.toByteArray(), seed, replacement);
  }
}
