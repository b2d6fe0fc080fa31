package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.testing.OciArbitraries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Whatever bytes or text the parsers are given, they either return a value or throw {@link
 * InvalidContentException}; {@link ErrorResponse#parse} never throws.
 */
class ParserRobustnessPropertiesTest {

  private static final ManifestCodec CODEC = ManifestCodec.defaults();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PLACEHOLDER = "@@mutation@@";

  // Media types and platforms

  @Property
  void mediaTypeParseOfAnyStringSucceedsOrFailsWithManifestInvalid(
      @ForAll("mediaTypeLike") String text) {
    MediaType m = succeedsOrFails(() -> MediaType.parse(text));
    if (m != null) {
      assertThat(MediaType.parse(m.value())).isEqualTo(m);
    }
  }

  @Property
  void platformParseOfAnyStringSucceedsOrFailsWithManifestInvalid(
      @ForAll("platformLike") String text) {
    Platform p = succeedsOrFails(() -> Platform.parse(text));
    if (p != null) {
      assertThat(Platform.parse(p.toString())).isEqualTo(p);
    }
  }

  // Manifests

  @Property
  void manifestReadOfRandomBytesSucceedsOrFailsWithInvalidContent(
      @ForAll @Size(max = 200) byte[] bytes) {
    readManifest(Bytes.of(bytes));
  }

  @Property(tries = 500)
  void manifestReadOfJsonLikeTextSucceedsOrFailsWithInvalidContent(
      @ForAll("jsonLike") String text) {
    readManifest(Bytes.utf8(text));
  }

  @Property(tries = 500)
  void manifestReadOfJsonLikeBytesSucceedsOrFailsWithInvalidContent(
      @ForAll("jsonLikeBytes") byte[] bytes) {
    readManifest(Bytes.of(bytes));
  }

  @Property(tries = 500)
  void manifestReadOfMutatedManifestSucceedsOrFailsWithInvalidContent(
      @ForAll("mutatedManifests") String text) {
    readManifest(Bytes.utf8(text));
  }

  @Property(tries = 500)
  void manifestReadWithDeclaredTypeSucceedsOrFailsWithInvalidContent(
      @ForAll("mutatedManifests") String text, @ForAll("mediaTypes") MediaType declared) {
    succeedsOrFails(() -> CODEC.read(Bytes.utf8(text), declared));
  }

  // Image configurations

  @Property
  void configParseOfRandomBytesSucceedsOrFailsWithInvalidContent(
      @ForAll @Size(max = 200) byte[] bytes) {
    succeedsOrFails(() -> ImageConfig.parse(Bytes.of(bytes)));
  }

  @Property(tries = 500)
  void configParseOfJsonLikeTextSucceedsOrFailsWithInvalidContent(@ForAll("jsonLike") String text) {
    succeedsOrFails(() -> ImageConfig.parse(Bytes.utf8(text)));
  }

  @Property(tries = 500)
  void configParseOfJsonLikeBytesSucceedsOrFailsWithInvalidContent(
      @ForAll("jsonLikeBytes") byte[] bytes) {
    succeedsOrFails(() -> ImageConfig.parse(Bytes.of(bytes)));
  }

  @Property(tries = 500)
  void configParseOfMutatedConfigSucceedsOrFailsWithInvalidContent(
      @ForAll("mutatedConfigs") String text) {
    ImageConfig c = succeedsOrFails(() -> ImageConfig.parse(Bytes.utf8(text)));
    if (c != null) {
      assertThat(ImageConfig.parse(c.toBytes())).isEqualTo(c);
    }
  }

  // Error bodies

  @Property
  void errorResponseParseOfRandomBytesNeverThrows(@ForAll @Size(max = 200) byte[] bytes) {
    ErrorResponse.parse(Bytes.of(bytes));
  }

  @Property(tries = 500)
  void errorResponseParseOfJsonLikeTextNeverThrows(@ForAll("jsonLike") String text) {
    reparsesToTheSameResponse(ErrorResponse.parse(Bytes.utf8(text)));
  }

  @Property(tries = 500)
  void errorResponseParseOfJsonLikeBytesNeverThrows(@ForAll("jsonLikeBytes") byte[] bytes) {
    reparsesToTheSameResponse(ErrorResponse.parse(Bytes.of(bytes)));
  }

  @Property(tries = 300)
  void errorResponseParseOfErrorShapedTextNeverThrows(@ForAll("errorBodies") String text) {
    reparsesToTheSameResponse(ErrorResponse.parse(Bytes.utf8(text)));
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

  @Provide
  Arbitrary<String> mediaTypeLike() {
    return Arbitraries.oneOf(
        Arbitraries.strings(),
        Arbitraries.strings()
            .withChars("aZ09/;=\" \t\\+-.!#$&^_%'*`|~\u00e9\u0001")
            .ofMaxLength(60),
        OciArbitraries.mediaTypes().map(MediaType::value),
        OciArbitraries.mediaTypes().map(m -> " " + m.value() + "\t"),
        Arbitraries.strings().withChars("ab/").ofMinLength(500).ofMaxLength(600));
  }

  @Provide
  Arbitrary<String> platformLike() {
    return Arbitraries.oneOf(
        Arbitraries.strings(),
        Arbitraries.strings().withChars("linuxamd64/v8 ").ofMaxLength(20),
        OciArbitraries.platforms().map(Platform::toString),
        Arbitraries.strings().withChars("a/").ofMinLength(60).ofMaxLength(140));
  }

  @Provide
  Arbitrary<MediaType> mediaTypes() {
    return OciArbitraries.mediaTypes();
  }

  @Provide
  Arbitrary<String> jsonLike() {
    return OciArbitraries.jsonLike();
  }

  @Provide
  Arbitrary<byte[]> jsonLikeBytes() {
    return OciArbitraries.jsonLikeBytes();
  }

  @Provide
  Arbitrary<String> mutatedManifests() {
    return mutated(OciArbitraries.manifests().map(m -> CODEC.encode(m).bytes()));
  }

  @Provide
  Arbitrary<String> mutatedConfigs() {
    return mutated(OciArbitraries.imageConfigs().map(ImageConfig::toBytes));
  }

  @Provide
  Arbitrary<String> errorBodies() {
    Arbitrary<String> entry =
        Combinators.combine(
                OciArbitraries.jsonLike(), OciArbitraries.jsonLike(), OciArbitraries.jsonLike())
            .as((c, m, d) -> "{\"code\":" + c + ",\"message\":" + m + ",\"detail\":" + d + "}");
    return Arbitraries.oneOf(
        entry.list().ofMaxSize(3).map(l -> "{\"errors\":[" + String.join(",", l) + "]}"),
        OciArbitraries.jsonLike().map(v -> "{\"errors\":" + v + "}"));
  }

  /** Valid JSON documents with one value replaced by JSON-like text, or one field removed. */
  private static Arbitrary<String> mutated(Arbitrary<Bytes> documents) {
    return Combinators.combine(documents, Arbitraries.randoms(), OciArbitraries.jsonLike())
        .as(ParserRobustnessPropertiesTest::mutate);
  }

  private static String mutate(Bytes document, Random random, String replacement) {
    JsonNode root;
    try {
      root = MAPPER.readTree(document.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JsonNode> containers = new ArrayList<>();
    collectContainers(root, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    boolean remove = random.nextInt(4) == 0;
    if (target instanceof ObjectNode object && object.size() > 0) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      String name = names.get(random.nextInt(names.size()));
      if (remove) {
        object.remove(name);
      } else {
        object.set(name, TextNode.valueOf(PLACEHOLDER));
      }
    } else if (target instanceof ArrayNode array && array.size() > 0) {
      int index = random.nextInt(array.size());
      if (remove) {
        array.remove(index);
      } else {
        array.set(index, TextNode.valueOf(PLACEHOLDER));
      }
    }
    String text;
    try {
      text = MAPPER.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.replace("\"" + PLACEHOLDER + "\"", replacement);
  }

  private static void collectContainers(JsonNode node, List<JsonNode> into) {
    if (node.isContainerNode()) {
      into.add(node);
      node.forEach(child -> collectContainers(child, into));
    }
  }
}
