package io.wharf.oci.model;

import static io.wharf.oci.model.testing.OciGenerators.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.testing.OciGenerators;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Valid manifests, indexes and configurations, each changed in one place the way a hostile client
 * would to make Wharf and Go's {@code encoding/json} read different documents: a key's case flipped
 * (also to the Kelvin sign or long s that Go folds to k and s), a key repeated in an escaped
 * spelling, a key escaped, a byte order mark, a number in another form, a lone surrogate, trailing
 * content. Each result is either refused with {@code MANIFEST_INVALID}, or read to exactly what the
 * unchanged document says, which is what Go reads from both.
 */
class GoJsonParityPropertiesTest {

  private static final ManifestCodec CODEC = ManifestCodec.defaults();
  private static final int EXAMPLES = 300;

  private static final Document<Manifest> MANIFESTS =
      new Document<>(
          OciGenerators.manifests().map(m -> CODEC.encode(m).bytes().utf8()),
          text -> CODEC.read(Bytes.utf8(text)).parse(),
          OciGenerators.MANIFEST_KEYS);

  private static final Document<ImageConfig> CONFIGS =
      new Document<>(
          OciGenerators.imageConfigs().map(c -> c.toBytes().utf8()),
          text -> ImageConfig.parse(Bytes.utf8(text)),
          OciGenerators.CONFIG_KEYS);

  /** A kind of document: how to generate, read and find its struct keys. */
  private record Document<T>(Gen<String> texts, Function<String, T> read, List<String> keys) {
    /** Where a struct key starts ({@code "} after {@code {} or {@code ,}), outside strings. */
    List<MatchResult> keyPositions(String text) {
      String names = String.join("|", keys.stream().map(Pattern::quote).toList());
      return Pattern.compile("[{,](\"(" + names + ")\"):").matcher(text).results().toList();
    }
  }

  @Test
  void manifestWithAKeysCaseFlippedIsRefused() {
    caseFlippedKeyIsRefused(MANIFESTS);
  }

  @Test
  void configWithAKeysCaseFlippedIsRefused() {
    caseFlippedKeyIsRefused(CONFIGS);
  }

  @Test
  void manifestWithAKeyRepeatedInAnEscapedSpellingIsRefused() {
    escapedDuplicateIsRefused(MANIFESTS);
  }

  @Test
  void configWithAKeyRepeatedInAnEscapedSpellingIsRefused() {
    escapedDuplicateIsRefused(CONFIGS);
  }

  @Test
  void manifestWithAnEscapedKeyReadsAsTheOriginal() {
    escapedKeyReadsAsTheOriginal(MANIFESTS);
  }

  @Test
  void configWithAnEscapedKeyReadsAsTheOriginal() {
    escapedKeyReadsAsTheOriginal(CONFIGS);
  }

  @Test
  void manifestWithAByteOrderMarkIsRefused() {
    qt().withExamples(EXAMPLES)
        .forAll(MANIFESTS.texts())
        .checkAssert(text -> refused(MANIFESTS, "\ufeff" + text, "byte order mark"));
  }

  @Test
  void manifestWithANumberInAnotherFormIsRefusedAndWithSpacesReadsAsTheOriginal() {
    Pattern number = Pattern.compile("\"(size|schemaVersion)\":([0-9]+)");
    qt().withExamples(EXAMPLES)
        .forAll(MANIFESTS.texts(), longs(0, Long.MAX_VALUE))
        .checkAssert(
            (text, seed) -> {
              Random random = new Random(seed);
              List<int[]> spans = new ArrayList<>();
              Matcher m = number.matcher(text);
              while (m.find()) {
                spans.add(new int[] {m.start(2), m.end(2)});
              }
              int[] span = spans.get(random.nextInt(spans.size()));
              String n = text.substring(span[0], span[1]);
              String[] forms = {n + ".0", n + "e0", n + "E+0", "-" + n, n + ".00e1", "0" + n};
              String form = forms[random.nextInt(forms.length)];
              refused(MANIFESTS, text.substring(0, span[0]) + form + text.substring(span[1]), "");
              String spaced =
                  text.substring(0, span[0]) + " \n" + n + "\t " + text.substring(span[1]);
              assertThat(MANIFESTS.read().apply(spaced)).isEqualTo(MANIFESTS.read().apply(text));
            });
  }

  /**
   * Where the text of each string value begins (just after its opening quote), as a JSON parser
   * reads them: a search for {@code ":"} would also find an escaped quote inside a value ({@code
   * "a\\":"}) and put the surrogate outside any string.
   */
  private static List<Integer> stringValueStarts(String json) {
    List<Integer> starts = new ArrayList<>();
    try (com.fasterxml.jackson.core.JsonParser p =
        new com.fasterxml.jackson.core.JsonFactory().createParser(json)) {
      for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
          starts.add((int) p.currentTokenLocation().getCharOffset() + 1);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return starts;
  }

  @Test
  void manifestWithALoneSurrogateInAStringIsRefused() {
    qt().withExamples(EXAMPLES)
        .forAll(
            MANIFESTS.texts(),
            longs(0, Long.MAX_VALUE),
            OciGenerators.pick("\\ud800", "\\udfff", "\\udbff\\u0041"))
        .checkAssert(
            (text, seed, surrogate) -> {
              List<Integer> starts = stringValueStarts(text);
              int at = starts.get(new Random(seed).nextInt(starts.size()));
              refused(
                  MANIFESTS, text.substring(0, at) + surrogate + text.substring(at), "surrogate");
            });
  }

  @Test
  void manifestWithTrailingContentIsRefused() {
    qt().withExamples(EXAMPLES)
        .forAll(MANIFESTS.texts(), OciGenerators.jsonLike().map(s -> s.isBlank() ? "x" : s))
        .checkAssert((text, trailing) -> refused(MANIFESTS, text + " " + trailing, ""));
  }

  private static <T> void caseFlippedKeyIsRefused(Document<T> document) {
    eachKeyChanged(
        document,
        (key, random) -> caseVariant(key, random),
        (original, changed) -> refused(document, changed, "differs only in case"));
  }

  private static <T> void escapedDuplicateIsRefused(Document<T> document) {
    eachKeyChanged(
        document,
        (key, random) -> escapeOneCharacter(key, random) + "\":null,\"" + key,
        (original, changed) -> refused(document, changed, "Duplicate field"));
  }

  private static <T> void escapedKeyReadsAsTheOriginal(Document<T> document) {
    eachKeyChanged(
        document,
        GoJsonParityPropertiesTest::escapeOneCharacter,
        (original, changed) ->
            assertThat(document.read().apply(changed)).isEqualTo(document.read().apply(original)));
  }

  /**
   * For generated documents, replaces one struct key picked at random with what {@code change}
   * makes of it, and checks the original and changed text with {@code check}.
   */
  private static <T> void eachKeyChanged(
      Document<T> document,
      BiFunction<String, Random, String> change,
      BiConsumer<String, String> check) {
    qt().withExamples(EXAMPLES)
        .forAll(document.texts(), longs(0, Long.MAX_VALUE))
        .checkAssert(
            (text, seed) -> {
              Random random = new Random(seed);
              List<MatchResult> keys = document.keyPositions(text);
              assertThat(keys).isNotEmpty();
              MatchResult key = keys.get(random.nextInt(keys.size()));
              String changed =
                  text.substring(0, key.start(2))
                      + change.apply(key.group(2), random)
                      + text.substring(key.end(2));
              check.accept(text, changed);
            });
  }

  /** {@code key} with one letter's case changed, or an s or k as Go's other fold of it. */
  static String caseVariant(String key, Random random) {
    List<Integer> letters = new ArrayList<>();
    for (int i = 0; i < key.length(); i++) {
      if (Character.isLetter(key.charAt(i))) {
        letters.add(i);
      }
    }
    int i = letters.get(random.nextInt(letters.size()));
    char c = key.charAt(i);
    char other;
    if ((c == 's' || c == 'S') && random.nextBoolean()) {
      other = '\u017f';
    } else if ((c == 'k' || c == 'K') && random.nextBoolean()) {
      other = '\u212a';
    } else {
      other = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
    }
    return key.substring(0, i) + other + key.substring(i + 1);
  }

  /** {@code key} with one character written as a JSON {@code \\u} escape. */
  private static String escapeOneCharacter(String key, Random random) {
    int i = random.nextInt(key.length());
    return key.substring(0, i)
        + String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) key.charAt(i))
        + key.substring(i + 1);
  }

  private static void refused(Document<?> document, String text, String messagePart) {
    Throwable thrown = catchThrowable(() -> document.read().apply(text));
    assertThat(thrown).as(OciGenerators.escaped(text)).isInstanceOf(InvalidContentException.class);
    assertThat(((InvalidContentException) thrown).code()).isEqualTo(ErrorCode.MANIFEST_INVALID);
    assertThat(thrown).hasMessageContaining(messagePart);
  }
}
