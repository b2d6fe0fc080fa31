package io.wharf.cli;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The command-line parser: option forms, repeats, positionals, and the errors. */
class CliTest {

  private static final Cli.Option FLAG = Cli.Option.flag("A flag.", "-f", "--flag");
  private static final Cli.Option VALUE = Cli.Option.value("V", "A value.", "--value");
  private static final Cli.Option MANY = Cli.Option.repeatable("M", "Values.", "--many");
  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "test",
          List.of("A test command."),
          List.of(new Cli.Positional("A", "First."), new Cli.Positional("B", "Second.")),
          List.of(FLAG, VALUE, MANY));

  @Test
  void optionFormsAndPositionals() throws Exception {
    Cli.Args a =
        Cli.parse(
            SYNTAX, List.of("x", "-f", "--value", "v1", "--many=1", "--many", "2", "--", "-y"));
    assertThat(a.flag(FLAG)).isTrue();
    assertThat(a.value(VALUE)).contains("v1");
    assertThat(a.values(MANY)).containsExactly("1", "2");
    assertThat(a.positional(0)).isEqualTo("x");
    assertThat(a.positional(1)).isEqualTo("-y");

    Cli.Args b = Cli.parse(SYNTAX, List.of("--value=a=b", "-", "y"));
    assertThat(b.flag(FLAG)).isFalse();
    assertThat(b.value(VALUE)).contains("a=b");
    assertThat(b.values(MANY)).isEmpty();
    assertThat(b.positional(0)).isEqualTo("-");
  }

  @Test
  void helpAndVersionNeedNoPositionals() throws Exception {
    assertThat(Cli.parse(SYNTAX, List.of("--help")).flag(Cli.HELP)).isTrue();
    assertThat(Cli.parse(SYNTAX, List.of("-V")).flag(Cli.VERSION)).isTrue();
  }

  @Test
  void mistakesNameWhatIsWrong() {
    assertThatThrownBy(() -> Cli.parse(SYNTAX, List.of("--nope", "a", "b")))
        .isInstanceOf(Cli.UsageError.class)
        .hasMessage("Unknown option: '--nope'");
    assertThatThrownBy(() -> Cli.parse(SYNTAX, List.of("--flag=true", "a", "b")))
        .hasMessage("Option '--flag' takes no value");
    assertThatThrownBy(() -> Cli.parse(SYNTAX, List.of("a", "b", "--value")))
        .hasMessage("Missing value for option '--value' (V)");
    assertThatThrownBy(() -> Cli.parse(SYNTAX, List.of()))
        .hasMessage("Missing required parameters: 'A', 'B'");
    assertThatThrownBy(() -> Cli.parse(SYNTAX, List.of("a", "b", "c\u001b[31m")))
        .hasMessage("Unexpected argument: 'c?[31m'");
    assertThatThrownBy(
            () ->
                Cli.parse(SYNTAX, List.of("a", "b", "--value", "1"))
                    .value(
                        VALUE,
                        v -> {
                          throw new IllegalArgumentException("'" + v + "' is no good");
                        }))
        .hasMessage("Invalid value for option '--value': '1' is no good");
  }

  @Test
  void usageListsEveryParameter() {
    String usage = Cli.usage("wharf", SYNTAX);
    assertThat(usage)
        .startsWith("Usage: wharf test [OPTIONS] A B\nA test command.\n")
        .contains("  -f, --flag ", "      --value=V ", "      --many=M ", "  -h, --help ");
  }

  @Test
  void anyWordsParseOrFailWithAUsageError() {
    qt().withExamples(500)
        .forAll(lists(anyStrings(), 0, 255))
        .checkAssert(
            args -> {
              try {
                Cli.Args parsed = Cli.parse(SYNTAX, args);
                if (!parsed.flag(Cli.HELP) && !parsed.flag(Cli.VERSION)) {
                  assertThat(parsed.positional(0)).isNotNull();
                  assertThat(parsed.positional(1)).isNotNull();
                }
              } catch (Cli.UsageError e) {
                assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(400).doesNotContain("\n");
              }
            });
  }
}
