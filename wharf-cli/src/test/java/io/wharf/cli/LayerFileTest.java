package io.wharf.cli;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code --file SRC[:DEST_PATH]}, and the paths a layer may hold. */
class LayerFileTest {

  @Test
  void sourceAndDestinationPath() {
    assertThat(LayerFile.parse("build/app.jar:app/lib/app.jar"))
        .isEqualTo(new LayerFile(Path.of("build/app.jar"), "app/lib/app.jar"));
    assertThat(LayerFile.parse("build/notes.txt"))
        .as("without DEST_PATH: the file's name at the root")
        .isEqualTo(new LayerFile(Path.of("build/notes.txt"), "notes.txt"));
    assertThat(LayerFile.parse("/tmp/x.sh:bin/x").source()).isEqualTo(Path.of("/tmp/x.sh"));
  }

  @Test
  void absoluteAndDotDotDestinationsAreRefused() {
    assertThatThrownBy(() -> LayerFile.parse("a.txt:/etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is absolute")
        .hasMessageContaining("(etc/passwd)");
    for (String bad :
        new String[] {"../x", "a/../../x", "..", "a/..", "./a", "a/./b", "a//b", "a/", "."}) {
      assertThatThrownBy(() -> LayerFile.parse("a.txt:" + bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("segment");
    }
    for (String bad : new String[] {"a\\b", "a\u0000b", "a\nb", "a\u007fb"}) {
      assertThatThrownBy(() -> LayerFile.checkPath(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("control character or backslash");
    }
    assertThatThrownBy(() -> LayerFile.parse("a.txt:")).hasMessageContaining("empty");
    assertThatThrownBy(() -> LayerFile.parse(":x")).hasMessageContaining("SRC[:DEST_PATH]");
    assertThatThrownBy(() -> LayerFile.checkPath("d/".repeat(2047) + "xy"))
        .hasMessageContaining("longer than 4095 bytes");
    LayerFile.checkPath("d/".repeat(2047) + "x"); // 4095 bytes
    assertThatThrownBy(() -> LayerFile.checkPath("d/" + "n".repeat(256)))
        .hasMessageContaining("a name longer than 255 bytes");
    LayerFile.checkPath("n".repeat(255) + "/" + "n".repeat(255));
  }

  /** Whatever is given, an accepted path stays below the image's root. */
  @Test
  void anAcceptedPathStaysBelowTheRoot() {
    qt().forAll(oneOf(anyStrings(), strings("./a\\b", 0, 12)))
        .checkAssert(
            path -> {
              try {
                LayerFile.checkPath(path);
              } catch (IllegalArgumentException refused) {
                return;
              }
              Path root = Path.of("/image-root");
              Path resolved = root.resolve(path).normalize();
              assertThat(resolved.startsWith(root)).as(path).isTrue();
              assertThat(resolved).isNotEqualTo(root);
              assertThat(root.relativize(resolved).toString()).isEqualTo(path);
            });
  }

  @Test
  void segmentsMadeOfDotsAndSlashesAreRefusedUnlessPlainNames() {
    qt().forAll(strings("./a", 0, 12))
        .checkAssert(
            path -> {
              boolean plain =
                  !path.isEmpty()
                      && !path.startsWith("/")
                      && java.util.Arrays.stream(path.split("/", -1))
                          .allMatch(s -> !s.isEmpty() && !s.equals(".") && !s.equals(".."));
              if (plain) {
                LayerFile.checkPath(path);
              } else {
                assertThatThrownBy(() -> LayerFile.checkPath(path))
                    .as(path)
                    .isInstanceOf(IllegalArgumentException.class);
              }
            });
  }
}
