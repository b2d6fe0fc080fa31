package io.wharf.oci.storage.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The records refuse text that a database could not keep exactly, and say so without the text. */
class StorableTextTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  private static RobotRecord robot(String secretHash, String description) {
    return new RobotRecord("ci", secretHash, List.of(), Optional.empty(), false, T0, description);
  }

  @Test
  void pairedSurrogatesAndOtherTextAreKept() {
    String text = "Ünïcødé 漢字 😀 \"quoted\" it's \t\n end";
    assertThat(StorableText.check(text, "x")).isSameAs(text);
    assertThat(Principal.group("😀 devs").name()).isEqualTo("😀 devs");
    assertThat(robot("sha256:00", text).description()).isEqualTo(text);
  }

  @Test
  void unpairedSurrogatesAreRefusedWherever() {
    for (String bad : List.of("a\ud800b", "\udc00", "end\ud83d", "\ude00\ud83d", "x\ud83d\ud83d")) {
      assertThatThrownBy(() -> Principal.user(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unpaired surrogate");
      assertThatThrownBy(() -> robot("sha256:00", bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("description");
      assertThatThrownBy(() -> robot("sha256:" + bad, ""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("secret hash");
    }
  }

  @Test
  void theNulCharacterIsRefusedAndTheHashIsNotQuoted() {
    assertThatThrownBy(() -> robot("sha256:s3cr3t\u0000cd", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+0000")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> robot("sha256:00", "line\u0000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+0000");
    assertThatThrownBy(() -> Principal.user("a\u0000"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
