package io.wharf.oci.client.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void writesAndParsesBack() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "quote \" backslash \\ newline \n tab \t ctl \u0001 é");
    m.put("n", 42L);
    m.put("b", true);
    m.put("z", null);
    m.put("l", List.of("a", List.of()));
    String json = Json.write(m);
    assertThat(json)
        .startsWith("{\"s\":\"quote \\\" backslash \\\\ newline \\n tab \\t ctl \\u0001 é\"");
    Map<String, Object> back = Json.parseObject(json);
    assertThat(back.get("s")).isEqualTo(m.get("s"));
    assertThat(back.get("n")).isEqualTo(new BigDecimal(42));
    assertThat(back.get("b")).isEqualTo(true);
    assertThat(back).containsEntry("z", null);
    assertThat(back.get("l")).isEqualTo(List.of("a", List.of()));
  }

  @Test
  void refusesBadInput() {
    for (String bad :
        List.of(
            "", "{", "{\"a\":1,}", "[1 2]", "{\"a\":1}x", "\"\\q\"", "{\"a\":1,\"a\":2}", "-")) {
      assertThatThrownBy(() -> Json.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Json.parse("[".repeat(100) + "]".repeat(100)))
        .hasMessageContaining("nested");
    assertThatThrownBy(() -> Json.parseObject("[]")).hasMessageContaining("not a JSON object");
  }
}
