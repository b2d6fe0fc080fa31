package io.wharf.oci.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.error.ErrorCode;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class KeysTest {

  private static final Keys KEYS = Keys.of("mediaType", "size", "os.version", "ExposedPorts");

  @Test
  void foldIsGoFoldingForAsciiKeys() {
    assertThat(Keys.fold("MediaTYPE")).isEqualTo("mediatype");
    assertThat(Keys.fold("\u017fize")).isEqualTo("size");
    assertThat(Keys.fold("OS.VERSION")).isEqualTo("os.version");
    assertThat(Keys.fold("Expo\u017fedPort\u017f")).isEqualTo("exposedports");
    assertThat(Keys.fold("\u212a")).isEqualTo("k");
    assertThat(Keys.fold("size")).isSameAs("size");
    // Other non-ASCII characters equal no ASCII key, folded or not.
    assertThat(Keys.fold("s\u0131ze")).isNull();
    assertThat(Keys.fold("\u0130")).isNull();
    assertThat(Keys.fold("\u00e9")).isNull();
  }

  /**
   * Of all characters outside ASCII, only these four have a Java case mapping to or from an ASCII
   * letter. Go's case orbits join U+212A to K and U+017F to S, and keep U+0130 and U+0131 (Turkish
   * i's, whose mappings are Turkic or full folds, not simple folds) apart, so {@link Keys#fold}
   * needs no other characters.
   */
  @Test
  void onlyTheKelvinSignAndLongSFoldToAsciiLetters() {
    Set<Integer> related = new TreeSet<>();
    for (int c = 0x80; c <= Character.MAX_CODE_POINT; c++) {
      for (int mapped :
          new int[] {
            Character.toLowerCase(c),
            Character.toUpperCase(c),
            Character.toTitleCase(c),
            Character.toLowerCase(Character.toUpperCase(c))
          }) {
        if (mapped < 0x80 && Character.isLetter(mapped)) {
          related.add(c);
        }
      }
    }
    assertThat(related).containsExactly(0x130, 0x131, 0x17f, 0x212a);
    assertThat(Keys.fold("\u0130")).isNull();
    assertThat(Keys.fold("\u0131")).isNull();
    assertThat(Keys.fold("\u017f")).isEqualTo("s");
    assertThat(Keys.fold("\u212a")).isEqualTo("k");
  }

  @Test
  void checkAcceptsKnownAndUnknownKeysAndRefusesCaseVariants() {
    KEYS.check(
        Json.read(
            Bytes.utf8("{\"mediaType\":1,\"x-Size\":2,\"sizes\":3}"), "doc", ErrorCode.UNKNOWN),
        "",
        ErrorCode.MANIFEST_INVALID);
    assertThatThrownBy(
            () ->
                KEYS.check(
                    Json.read(Bytes.utf8("{\"exposedports\":{}}"), "doc", ErrorCode.UNKNOWN),
                    "config",
                    ErrorCode.MANIFEST_INVALID))
        .hasMessage(
            "config: key \"exposedports\" differs only in case from \"ExposedPorts\", and Go"
                + " clients read it as \"ExposedPorts\": the document is ambiguous");
  }

  @Test
  void keysThatFoldToTheSameKeyAreAProgrammingError() {
    assertThatThrownBy(() -> Keys.of("size", "Size")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Keys.of("gr\u00f6\u00dfe"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
