package io.wharf.oci.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.OciException;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Wharf reads a manifest, index or configuration exactly as Go's {@code encoding/json} (skopeo,
 * containerd, distribution) reads it, or refuses it with {@code MANIFEST_INVALID} naming what is
 * ambiguous. Each case starts from a real manifest (containers/image's test data) and changes one
 * thing.
 */
class GoJsonParityTest {

  private static final ManifestCodec CODEC = ManifestCodec.defaults();
  private static final String MANIFEST =
      Fixtures.bytes("manifests/containers-image/ociv1.manifest.json").utf8();
  private static final String INDEX =
      Fixtures.bytes("manifests/containers-image/ociv1.image.index.json").utf8();
  private static final String CONFIG =
      Fixtures.bytes("manifests/containers-image/image/schema2-config.json").utf8();
  private static final String FIRST_LAYER =
      "\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\",\n      \"size\": 32654,";

  @Test
  void theUnchangedFixturesAreRead() {
    assertThat(CODEC.read(Bytes.utf8(MANIFEST)).mediaType())
        .isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
    assertThat(CODEC.read(Bytes.utf8(INDEX)).mediaType()).isEqualTo(MediaType.OCI_IMAGE_INDEX);
    assertThat(ImageConfig.parse(Bytes.utf8(CONFIG)).architecture()).isEqualTo("amd64");
    assertThat(MANIFEST).contains(FIRST_LAYER);
  }

  // Keys that differ only in case: Go matches struct fields case-insensitively

  @Test
  void layersBesideLayersIsRefused() {
    String json = MANIFEST.replace("\"annotations\": {", "\"Layers\": [], \"annotations\": {");
    refused(json).hasMessageContaining("\"Layers\"").hasMessageContaining("\"layers\"");
  }

  @Test
  void aLoneCaseVariantOfAKnownKeyIsRefused() {
    // Go would read "Layers" as the layers; Wharf would not see them at all.
    refused(MANIFEST.replace("\"layers\":", "\"Layers\":")).hasMessageContaining("\"Layers\"");
    refused(
            MANIFEST.replace(
                "\"mediaType\": \"application/vnd.oci.image.manifest",
                "\"MEDIATYPE\": \"application/vnd.oci.image.manifest"))
        .hasMessageContaining("\"MEDIATYPE\"");
    refused(MANIFEST.replace("\"schemaVersion\"", "\"SchemaVersion\""))
        .hasMessageContaining("\"SchemaVersion\"");
  }

  @Test
  void digestBesideDigestInADescriptorIsRefusedNamingTheDescriptor() {
    String json =
        MANIFEST.replace(
            FIRST_LAYER,
            FIRST_LAYER
                + " \"Digest\": \"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7\",");
    refused(json).hasMessageContaining("layers[0]").hasMessageContaining("\"Digest\"");
  }

  @Test
  void caseVariantsInsideConfigDescriptorAndPlatformAreRefused() {
    refused(MANIFEST.replace("\"size\": 7023", "\"SIZE\": 7023"))
        .hasMessageContaining("config")
        .hasMessageContaining("\"SIZE\"");
    refused(INDEX.replace("\"os\": \"linux\",", "\"OS\": \"linux\", \"os\": \"linux\","))
        .hasMessageContaining("manifests[1].platform")
        .hasMessageContaining("\"OS\"");
    refused(INDEX.replace("\"os.features\"", "\"OS.Features\""))
        .hasMessageContaining("\"OS.Features\"");
  }

  @Test
  void kelvinSignAndLongSFoldLikeGo() {
    // Go's EqualFold: U+017F (long s) folds to s and U+212A (Kelvin sign) to k.
    refused(MANIFEST.replace("\"size\": 32654", "\"\u017fize\": 32654, \"size\": 32654"))
        .hasMessageContaining("layers[0]")
        .hasMessageContaining("\\u017Fize");
    refused(MANIFEST.replace("\"size\": 32654", "\"\\u017Fize\": 32654, \"size\": 32654"))
        .hasMessageContaining("\\u017Fize");
    refused(config(CONFIG.replace("\"WorkingDir\"", "\"Wor\u212aingDir\"")))
        .hasMessageContaining("config")
        .hasMessageContaining("\\u212A");
  }

  @Test
  void otherNonAsciiLettersAreUnknownKeysAsInGo() {
    // Go's fold orbits of I and i are {I, i}: the dotted and dotless i are other keys to Go.
    String json =
        MANIFEST.replace(
            "\"annotations\": {", "\"\u0131mage\": 1, \"annotat\u0130ons\": 2, \"annotations\": {");
    assertThat(((ImageManifest) CODEC.read(Bytes.utf8(json)).parse()).annotations()).hasSize(2);
  }

  @Test
  void anEscapedCaseVariantIsRefused() {
    refused(MANIFEST.replace("\"layers\":", "\"\\u004cayers\":"))
        .hasMessageContaining("\"Layers\"");
  }

  @Test
  void annotationKeysThatDifferOnlyInCaseAreDifferentKeys() {
    // annotations is a map in Go: keys are exact there.
    String json =
        MANIFEST.replace(
            "\"com.example.key1\"", "\"Com.Example.Key2\": \"x\", \"com.example.key1\"");
    Manifest m = CODEC.read(Bytes.utf8(json)).parse();
    assertThat(m.annotations())
        .containsEntry("Com.Example.Key2", "x")
        .containsEntry("com.example.key2", "value2");
  }

  @Test
  void caseVariantsInAConfigAreRefused() {
    refused(config(CONFIG.replace("\"Cmd\"", "\"cmd\""))).hasMessageContaining("\"cmd\"");
    refused(
            config(
                CONFIG.replace(
                    "\"architecture\":\"amd64\"",
                    "\"Architecture\":\"arm64\",\"architecture\":\"amd64\"")))
        .hasMessageContaining("\"Architecture\"");
    refused(config(CONFIG.replace("\"diff_ids\"", "\"Diff_IDs\""))).hasMessageContaining("rootfs");
    refused(config(CONFIG.replace("\"created_by\"", "\"Created_By\"")))
        .hasMessageContaining("history[0]");
  }

  // Duplicate keys: Go keeps the last, Jackson would keep one of them

  @Test
  void exactAndEscapedDuplicateKeysAreRefusedAtEveryLevel() {
    refused(MANIFEST.replace("\"annotations\": {", "\"layers\": [], \"annotations\": {"))
        .hasMessageContaining("layers");
    refused(MANIFEST.replace("\"annotations\": {", "\"l\\u0061yers\": [], \"annotations\": {"))
        .hasMessageContaining("layers");
    refused(MANIFEST.replace(FIRST_LAYER, FIRST_LAYER + " \"size\": 5,"))
        .hasMessageContaining("size");
    refused(
            MANIFEST.replace(
                "\"com.example.key1\": \"value1\"",
                "\"com.example.key1\": \"value1\", \"com.example.key\\u0031\": \"evil\""))
        .hasMessageContaining("com.example.key1");
    refused(
        MANIFEST.replace(
            "\"annotations\": {", "\"x-custom\": {\"a\": 1, \"a\": 2}, \"annotations\": {"));
  }

  // Encodings

  @Test
  void aByteOrderMarkIsRefused() {
    refused(Bytes.utf8("\ufeff" + MANIFEST)).hasMessageContaining("byte order mark");
    assertThatThrownBy(() -> ImageConfig.parse(Bytes.utf8("\ufeff" + CONFIG)))
        .hasMessageContaining("byte order mark");
  }

  @Test
  void utf16AndUtf32AreRefused() {
    refused(Bytes.of(MANIFEST.getBytes(StandardCharsets.UTF_16LE)));
    refused(Bytes.of(MANIFEST.getBytes(StandardCharsets.UTF_16BE)));
    refused(Bytes.of(MANIFEST.getBytes(java.nio.charset.Charset.forName("UTF-32BE"))));
    refused(Bytes.of(MANIFEST.getBytes(StandardCharsets.UTF_16)));
  }

  @Test
  void invalidUtf8IsRefused() {
    // Go replaces each of these with U+FFFD; Jackson reads some of them as characters.
    for (byte[] bad :
        new byte[][] {
          {(byte) 0xFF},
          {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate (CESU-8)
          {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
          {(byte) 0xE2, (byte) 0x82}, // cut short
        }) {
      refused(withAnnotationValueBytes(bad)).hasMessageContaining("UTF-8");
    }
  }

  @Test
  void validUtf8AndPairedSurrogateEscapesAreRead() {
    String json = MANIFEST.replace("\"value1\"", "\"caf\u00e9 \\ud83d\\ude00 \ud83d\ude00\"");
    assertThat(CODEC.read(Bytes.utf8(json)).parse().annotations())
        .containsEntry("com.example.key1", "caf\u00e9 \ud83d\ude00 \ud83d\ude00");
  }

  @Test
  void loneSurrogateEscapesAreRefused() {
    // Go reads each as U+FFFD, so Go and Wharf would see different strings.
    refused(MANIFEST.replace("\"value1\"", "\"a\\ud800\"")).hasMessageContaining("surrogate");
    refused(MANIFEST.replace("\"value1\"", "\"\\udc00a\"")).hasMessageContaining("surrogate");
    refused(MANIFEST.replace("\"value1\"", "\"\\ud800\\u0041\"")).hasMessageContaining("surrogate");
    refused(MANIFEST.replace("\"com.example.key1\"", "\"key\\ud800\""))
        .hasMessageContaining("surrogate");
    refused(
        MANIFEST.replace(
            "\"application/vnd.oci.image.layer.v1.tar+gzip\"",
            "\"application/vnd.oci.image.layer.v1.tar+gzip\\udfff\""));
  }

  // Numbers: Go reads sizes and schemaVersion with strconv.ParseInt(s, 10, 64)

  @Test
  void sizesThatAreNotPlainNonNegativeIntegersAreRefused() {
    for (String size :
        new String[] {
          "1e3",
          "32654.0",
          "3.2654e4",
          "-0",
          "-5",
          "9223372036854775808",
          "1e400",
          "\"32654\"",
          "true",
          "null"
        }) {
      refused(size, Bytes.utf8(MANIFEST.replace("\"size\": 32654", "\"size\": " + size)))
          .hasMessageContaining("layers[0].size");
    }
  }

  @Test
  void theLargestInt64SizeIsRead() {
    String json = MANIFEST.replace("\"size\": 32654", "\"size\": 9223372036854775807");
    ImageManifest m = (ImageManifest) CODEC.read(Bytes.utf8(json)).parse();
    assertThat(m.layers().get(0).size()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void schemaVersionThatIsNotThePlainInteger2IsRefused() {
    for (String v :
        new String[] {"2.0", "2e0", "20e-1", "\"2\"", "-0", "-2", "9223372036854775810"}) {
      refused(v, Bytes.utf8(MANIFEST.replace("\"schemaVersion\": 2", "\"schemaVersion\": " + v)))
          .hasMessageContaining("schemaVersion");
    }
  }

  @Test
  void numbersThatAreNotJsonAreRefused() {
    for (String n : new String[] {"032654", "+32654", "NaN", "Infinity", "0x10", ".5", "1."}) {
      refused(n, Bytes.utf8(MANIFEST.replace("\"size\": 32654", "\"size\": " + n)));
    }
  }

  // Syntax Go refuses

  @Test
  void trailingContentIsRefusedAndTrailingWhitespaceIsNot() {
    refused(MANIFEST + " {}");
    refused(MANIFEST + "x");
    refused(MANIFEST + "\u0000");
    refused(MANIFEST + "\u00a0");
    assertThat(CODEC.read(Bytes.utf8(MANIFEST + " \r\n\t")).mediaType())
        .isEqualTo(MediaType.OCI_IMAGE_MANIFEST);
  }

  @Test
  void extensionsOfJsonAreRefused() {
    refused(MANIFEST.replace("\"annotations\": {", "/* c */ \"annotations\": {"));
    refused(MANIFEST.replace("\"annotations\": {", "// c\n\"annotations\": {"));
    refused(MANIFEST.replace("\"annotations\": {", "# c\n\"annotations\": {"));
    refused(MANIFEST.replace("\"value2\"", "'value2'"));
    refused(MANIFEST.replace("\"com.example.key2\"", "com_example_key2"));
    refused(MANIFEST.replace("\"value2\"\n", "\"value2\",\n"));
    refused(MANIFEST.replace("\"value2\"", "\"tab\there\""));
    refused(MANIFEST.replace("\"value2\"", "\"\\x41\""));
    refused(MANIFEST.replace("\"value2\"", "\"\\'\""));
    refused("\u000b" + MANIFEST);
  }

  @Test
  void nullIsAbsentAsInGo() {
    // Go leaves a field alone on null: absent for optional fields, an error for required ones.
    String json =
        MANIFEST.replace(
            "\"annotations\": {",
            "\"subject\": null, \"artifactType\": null, \"x\": null, \"annotations\": {");
    ImageManifest m = (ImageManifest) CODEC.read(Bytes.utf8(json)).parse();
    assertThat(m.subject()).isEmpty();
    assertThat(m.artifactType()).isEmpty();
    refused(
            MANIFEST
                .replace(FIRST_LAYER, FIRST_LAYER + " \"urls\": null,")
                .replace("\"layers\": [", "\"layers\": null, \"x\": ["))
        .hasMessageContaining("layers");
    String nullLists =
        MANIFEST.replace(FIRST_LAYER, FIRST_LAYER + " \"urls\": null, \"annotations\": null,");
    ImageManifest withNullLists = (ImageManifest) CODEC.read(Bytes.utf8(nullLists)).parse();
    assertThat(withNullLists.layers().get(0).urls()).isEmpty();
    assertThat(withNullLists.layers().get(0).annotations()).isEmpty();
  }

  @Test
  void nullInsideAListOrMapIsRefused() {
    // Go would read "" there.
    refused(MANIFEST.replace("\"value1\"", "null")).hasMessageContaining("com.example.key1");
    refused(INDEX.replace("\"sse4\"", "\"sse4\", null")).hasMessageContaining("os.features[1]");
  }

  // Values Go's decoders read differently

  @Test
  void aManifestMediaTypeFieldMustBeSpeltExactly() {
    // Go clients switch on the exact string: they cannot read "APPLICATION/..." as a manifest.
    String upper = "\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\"";
    assertThat(MANIFEST).contains(upper);
    refused(
            MANIFEST.replace(
                upper, upper.toUpperCase(java.util.Locale.ROOT).replace("MEDIATYPE", "mediaType")))
        .hasMessageContaining("mediaType");
    refused(MANIFEST.replace(upper, upper.replace("+json\"", "+json; charset=utf-8\"")))
        .hasMessageContaining("mediaType");
    refused(INDEX.replace("image.index.v1+json", "image.Index.v1+json"))
        .hasMessageContaining("mediaType");
  }

  @Test
  void dataMustBePaddedBase64AsGoReadsIt() {
    // Go's base64.StdEncoding refuses missing padding; Java's basic decoder accepts it.
    refused(MANIFEST.replace(FIRST_LAYER, FIRST_LAYER + " \"data\": \"YQ\","))
        .hasMessageContaining("layers[0].data");
    refused(MANIFEST.replace(FIRST_LAYER, FIRST_LAYER + " \"data\": \"YQ=\","))
        .hasMessageContaining("layers[0].data");
    refused(MANIFEST.replace(FIRST_LAYER, FIRST_LAYER + " \"data\": \"YQ-_\","));
    String ok = MANIFEST.replace(FIRST_LAYER, FIRST_LAYER + " \"data\": \"YQ==\",");
    ImageManifest m = (ImageManifest) CODEC.read(Bytes.utf8(ok)).parse();
    assertThat(m.layers().get(0).data()).contains(Bytes.utf8("a"));
  }

  @Test
  void createdMustBeAnRfc3339TimeGoReads() {
    String created = "\"created\":\"2016-09-23T23:20:45.78976459Z\"";
    assertThat(CONFIG).contains(created);
    for (String bad :
        new String[] {
          "2016-09-23T23:20Z", // no seconds: Java reads it, Go does not
          "2016-09-23t23:20:45Z",
          "2016-09-23T23:20:45z",
          "2016-09-23T23:20:45+01:00:30",
          "+12016-09-23T23:20:45Z",
          "2016-09-23T23:20:45",
          "2016-02-30T23:20:45Z",
        }) {
      refused(bad, config(CONFIG.replace(created, "\"created\":\"" + bad + "\"")))
          .hasMessageContaining("created");
    }
    for (String good :
        new String[] {
          "2016-09-23T23:20:45Z", "2016-09-23T23:20:45.1+01:00", "2016-09-23T23:20:45-05:30"
        }) {
      assertThat(
              ImageConfig.parse(Bytes.utf8(CONFIG.replace(created, "\"created\":\"" + good + "\"")))
                  .created())
          .contains(good);
    }
  }

  private static Bytes withAnnotationValueBytes(byte[] bad) {
    byte[] before =
        MANIFEST.substring(0, MANIFEST.indexOf("value1")).getBytes(StandardCharsets.UTF_8);
    byte[] after = MANIFEST.substring(MANIFEST.indexOf("value1")).getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[before.length + bad.length + after.length];
    System.arraycopy(before, 0, all, 0, before.length);
    System.arraycopy(bad, 0, all, before.length, bad.length);
    System.arraycopy(after, 0, all, before.length + bad.length, after.length);
    return Bytes.of(all);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(String json) {
    return refused(Bytes.utf8(json));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(Bytes bytes) {
    return refused("", bytes);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(String what, Bytes bytes) {
    return refused(what, () -> CODEC.read(bytes));
  }

  private static Runnable config(String json) {
    return () -> ImageConfig.parse(Bytes.utf8(json));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(Runnable parse) {
    return refused("", parse);
  }

  /** Asserts that {@code parse} throws MANIFEST_INVALID; {@code what} names the case on failure. */
  private static AbstractThrowableAssert<?, ? extends Throwable> refused(
      String what, Runnable parse) {
    Throwable thrown = catchThrowable(parse::run);
    return assertThat(thrown)
        .as(what)
        .isInstanceOf(InvalidContentException.class)
        .satisfies(
            e -> assertThat(((OciException) e).code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
  }
}
