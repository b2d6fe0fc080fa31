package io.wharf.oci.client.internal;

import static io.wharf.oci.model.testing.OciGenerators.anyByteArrays;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a listing page's string array without building the rest of the document. */
class JsonListTest {

  private static List<String> read(String json, int before, int max) throws IOException {
    return Json.readStringArray(json.getBytes(UTF_8), "tags", before, max, "listing tags");
  }

  @Test
  void readsTheFieldAndSkipsTheRest() throws Exception {
    assertThat(read("{\"name\":\"a\",\"x\":{\"y\":[1,{}]},\"tags\":[\"v1\",\"v2\"]}", 0, 10))
        .containsExactly("v1", "v2");
    assertThat(read("{\"name\":\"a\",\"tags\":null}", 0, 10)).isEmpty();
    assertThat(read("{\"name\":\"a\"}", 0, 10)).isEmpty();
  }

  @Test
  void stopsAtTheBoundCountingEarlierPages() {
    assertThatThrownBy(() -> read("{\"tags\":[\"a\",\"b\",\"c\"]}", 8, 10))
        .isInstanceOf(IOException.class)
        .hasMessage("listing tags has more than 10 entries");
    assertThat(catchList("{\"tags\":[\"a\",\"b\"]}", 8, 10)).containsExactly("a", "b");
  }

  @Test
  void refusesWhatIsNotAStrictListPage() {
    for (String bad :
        List.of(
            "[]",
            "{\"tags\":\"v1\"}",
            "{\"tags\":[\"v1\",2]}",
            "{\"tags\":[\"v1\"]} {}",
            "{\"tags\":[\"v1\"],\"tags\":[\"v2\"]}",
            "{\"tags\":[\"v1\"",
            "")) {
      assertThatThrownBy(() -> read(bad, 0, 10)).as(bad).isInstanceOf(IOException.class);
    }
  }

  @Test
  void anyBytesGiveAListOrAnIOException() {
    qt().withExamples(300)
        .forAll(anyByteArrays())
        .checkAssert(
            bytes -> {
              try {
                List<String> tags = Json.readStringArray(bytes, "tags", 0, 5, "listing tags");
                assertThat(tags).hasSizeLessThanOrEqualTo(5);
              } catch (IOException e) {
                assertThat(e.getMessage()).startsWith("listing tags").doesNotContain("\n");
              }
            });
  }

  private static List<String> catchList(String json, int before, int max) {
    try {
      return read(json, before, max);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
