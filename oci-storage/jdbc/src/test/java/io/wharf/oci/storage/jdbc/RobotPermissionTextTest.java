package io.wharf.oci.storage.jdbc;

import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pathComponents;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The text column of a robot's permissions: exact round trips, and only canonical texts read. */
class RobotPermissionTextTest {

  /** The characters the texts are made of, and a few that never belong. */
  private static final String ALPHABET = "libraypushdetPULS*=,;-._09 \t'\"%\u00e9";

  private static Gen<Set<RobotAction>> actionSets() {
    return ints(1, (1 << RobotAction.values().length) - 1)
        .map(
            bits -> {
              Set<RobotAction> actions = EnumSet.noneOf(RobotAction.class);
              for (RobotAction a : RobotAction.values()) {
                if ((bits & (1 << a.ordinal())) != 0) {
                  actions.add(a);
                }
              }
              return actions;
            });
  }

  private static Gen<List<RobotPermission>> permissionLists() {
    Gen<String> projects = oneOf(pathComponents(), pick(RobotPermission.ALL_PROJECTS));
    return lists(projects.zip(actionSets(), RobotPermission::new), 0, 6);
  }

  /** The permissions {@code text} holds, or empty when it is refused; nothing else is thrown. */
  private static Optional<List<RobotPermission>> read(String text) {
    try {
      return Optional.of(RobotPermissionText.parse(text));
    } catch (IllegalArgumentException refused) {
      return Optional.empty();
    }
  }

  @Test
  void writtenPermissionsReadBackExactly() {
    qt().forAll(permissionLists())
        .checkAssert(
            permissions ->
                assertThat(RobotPermissionText.parse(RobotPermissionText.format(permissions)))
                    .isEqualTo(permissions));
  }

  @Test
  void onlyTheTextsFormatWritesAreRead() {
    qt().forAll(strings(ALPHABET, 0, 40))
        .checkAssert(
            text ->
                read(text)
                    .ifPresent(p -> assertThat(RobotPermissionText.format(p)).isEqualTo(text)));
  }

  @Test
  void anEditedTextIsRefusedOrSaysExactlyWhatItReads() {
    Gen<String> texts = permissionLists().map(RobotPermissionText::format);
    Gen<Character> chars = strings(ALPHABET, 1, 1).map(s -> s.charAt(0));
    qt().forAll(texts, ints(0, 1000), chars, pick("insert", "delete", "replace"))
        .checkAssert(
            (text, where, c, edit) -> {
              String edited = edit(text, where, c, edit);
              read(edited)
                  .ifPresent(p -> assertThat(RobotPermissionText.format(p)).isEqualTo(edited));
            });
  }

  private static String edit(String text, int where, char c, String edit) {
    int at = text.isEmpty() ? 0 : where % (text.length() + (edit.equals("insert") ? 1 : 0));
    return switch (edit) {
      case "insert" -> text.substring(0, at) + c + text.substring(at);
      case "delete" -> text.isEmpty() ? text : text.substring(0, at) + text.substring(at + 1);
      default -> text.isEmpty() ? text : text.substring(0, at) + c + text.substring(at + 1);
    };
  }

  @Test
  void theFormatIsCompactAndOrdered() {
    List<RobotPermission> permissions =
        List.of(
            new RobotPermission("library", EnumSet.of(RobotAction.PUSH, RobotAction.PULL)),
            new RobotPermission("*", EnumSet.allOf(RobotAction.class)),
            new RobotPermission("library", EnumSet.of(RobotAction.LIST)));
    assertThat(RobotPermissionText.format(permissions))
        .isEqualTo("library=pull,push;*=pull,push,delete,list;library=list");
    assertThat(RobotPermissionText.format(List.of())).isEmpty();
    assertThat(RobotPermissionText.parse("")).isEmpty();
  }

  @Test
  void malformedTextsAreRefused() {
    for (String text :
        List.of(
            ";",
            "library",
            "library=",
            "=pull",
            "library=pull;",
            ";library=pull",
            "library=pull,,push",
            "library=push,pull",
            "library=pull,pull",
            "library=PULL",
            "library= pull",
            "library=pull;;*=pull",
            "Library=pull",
            "library/app=pull",
            "**=pull",
            "library=pull=push",
            "library=pull,all")) {
      assertThatThrownBy(() -> RobotPermissionText.parse(text))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
