package io.wharf.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code wharf} program's command-line syntax: a command's options and positional parameters,
 * parsing them, and its usage text.
 *
 * <p>Options are GNU style: {@code --data DIR} or {@code --data=DIR}, short names such as {@code
 * -q} on their own, {@code --} ends the options. Every command takes {@code -h/--help} and {@code
 * -V/--version}. A mistake is a {@link UsageError} naming the option or parameter; the program
 * prints it with the usage and exits 2.
 *
 * <p>The program used picocli until picocli's start-up was measured: it builds each command's model
 * by reflection over annotations, in classes compiled for Java 5 that class-data sharing cannot
 * archive. That was 0.15 to 0.2 s of every client command, when a whole 256 MiB copy takes under 2
 * s. This parser does what the program needs and nothing else.
 */
final class Cli {

  /** The options every command takes. */
  static final Option HELP = Option.flag("Show this help message and exit.", "-h", "--help");

  static final Option VERSION =
      Option.flag("Print version information and exit.", "-V", "--version");

  private Cli() {}

  /**
   * An option.
   *
   * @param names its names, short ({@code -q}) before long ({@code --quiet})
   * @param label what its value is, e.g. {@code DIR}; empty for a flag
   * @param description one line for the usage text
   * @param repeatable whether it may be given more than once (each value is kept)
   */
  record Option(List<String> names, String label, String description, boolean repeatable) {

    Option {
      names = List.copyOf(names);
      if (names.isEmpty()) {
        throw new IllegalArgumentException("an option needs a name");
      }
    }

    /** A flag: present or not. */
    static Option flag(String description, String... names) {
      return new Option(List.of(names), "", description, false);
    }

    /** An option with one value. */
    static Option value(String label, String description, String... names) {
      return new Option(List.of(names), label, description, false);
    }

    /** An option with a value, which may be given several times. */
    static Option repeatable(String label, String description, String... names) {
      return new Option(List.of(names), label, description, true);
    }

    /** Its longest name, which {@link Args} files its values under. */
    String name() {
      return names.get(names.size() - 1);
    }

    boolean isFlag() {
      return label.isEmpty();
    }
  }

  /** A positional parameter, required. */
  record Positional(String label, String description) {}

  /**
   * A command's syntax.
   *
   * @param name the command's name, e.g. {@code copy}
   * @param description the lines under the usage line
   * @param positionals its positional parameters, all required, in order
   * @param options its options; {@link #HELP} and {@link #VERSION} are added
   */
  record Syntax(
      String name, List<String> description, List<Positional> positionals, List<Option> options) {

    Syntax {
      description = List.copyOf(description);
      positionals = List.copyOf(positionals);
      List<Option> all = new ArrayList<>(options);
      all.add(HELP);
      all.add(VERSION);
      options = List.copyOf(all);
    }

    Optional<Option> option(String name) {
      for (Option o : options) {
        if (o.names().contains(name)) {
          return Optional.of(o);
        }
      }
      return Optional.empty();
    }
  }

  /** A mistake on the command line; its message names the option or parameter. */
  static final class UsageError extends Exception {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  /** What a command line said, checked against a {@link Syntax}. */
  static final class Args {
    private final Map<String, List<String>> values;
    private final List<String> positionals;

    private Args(Map<String, List<String>> values, List<String> positionals) {
      this.values = values;
      this.positionals = positionals;
    }

    /** Whether the flag (named by any of its names' longest) was given. */
    boolean flag(Option option) {
      return values.containsKey(option.name());
    }

    /** The option's value, if given. */
    Optional<String> value(Option option) {
      List<String> v = values.get(option.name());
      return v == null ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    /** Every value of a repeatable option, in order. */
    List<String> values(Option option) {
      return values.getOrDefault(option.name(), List.of());
    }

    /**
     * The option's value converted; a conversion that throws {@link IllegalArgumentException}
     * becomes a {@link UsageError} naming the option and carrying the converter's message.
     */
    <T> Optional<T> value(Option option, Function<String, T> convert) throws UsageError {
      Optional<String> raw = value(option);
      if (raw.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(convert.apply(raw.get()));
      } catch (IllegalArgumentException e) {
        throw new UsageError("Invalid value for option '" + option.name() + "': " + e.getMessage());
      }
    }

    /** The {@code index}th positional parameter. */
    String positional(int index) {
      return positionals.get(index);
    }
  }

  /**
   * Parses {@code args} (the words after the command's name) against {@code syntax}. With {@code
   * --help} or {@code --version} given, the positionals are not checked.
   */
  static Args parse(Syntax syntax, List<String> args) throws UsageError {
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<String> positionals = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
        positionals.add(arg);
        continue;
      }
      if (arg.equals("--")) {
        optionsEnded = true;
        continue;
      }
      int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
      String name = eq < 0 ? arg : arg.substring(0, eq);
      Option option =
          syntax
              .option(name)
              .orElseThrow(() -> new UsageError("Unknown option: '" + shown(name) + "'"));
      String value;
      if (option.isFlag()) {
        if (eq >= 0) {
          throw new UsageError("Option '" + option.name() + "' takes no value");
        }
        value = "";
      } else if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new UsageError(
            "Missing value for option '" + option.name() + "' (" + option.label() + ")");
      }
      List<String> list = values.computeIfAbsent(option.name(), k -> new ArrayList<>());
      if (!list.isEmpty() && !option.repeatable() && !option.isFlag()) {
        throw new UsageError("Option '" + option.name() + "' is given more than once");
      }
      list.add(value);
    }
    Args parsed = new Args(values, List.copyOf(positionals));
    if (parsed.flag(HELP) || parsed.flag(VERSION)) {
      return parsed;
    }
    List<Positional> wanted = syntax.positionals();
    if (positionals.size() < wanted.size()) {
      List<String> missing = new ArrayList<>();
      for (Positional p : wanted.subList(positionals.size(), wanted.size())) {
        missing.add("'" + p.label() + "'");
      }
      throw new UsageError(
          (missing.size() == 1 ? "Missing required parameter: " : "Missing required parameters: ")
              + String.join(", ", missing));
    }
    if (positionals.size() > wanted.size()) {
      throw new UsageError("Unexpected argument: '" + shown(positionals.get(wanted.size())) + "'");
    }
    return parsed;
  }

  /** The usage text of {@code program}'s command: the usage line, description, parameters. */
  static String usage(String program, Syntax syntax) {
    StringBuilder s = new StringBuilder("Usage: ").append(program).append(' ');
    s.append(syntax.name()).append(" [OPTIONS]");
    for (Positional p : syntax.positionals()) {
      s.append(' ').append(p.label());
    }
    s.append('\n');
    for (String line : syntax.description()) {
      s.append(line).append('\n');
    }
    for (Positional p : syntax.positionals()) {
      row(s, "      " + p.label(), p.description());
    }
    for (Option o : syntax.options()) {
      String shortName = o.names().size() > 1 ? o.names().get(0) + ", " : "    ";
      row(s, "  " + shortName + o.name() + (o.isFlag() ? "" : "=" + o.label()), o.description());
    }
    return s.toString();
  }

  private static void row(StringBuilder s, String left, String description) {
    int column = 30;
    s.append(left);
    if (left.length() < column - 1) {
      s.append(" ".repeat(column - left.length()));
    } else {
      s.append('\n').append(" ".repeat(column));
    }
    s.append(description).append('\n');
  }

  /** A stranger's word for an error message: bounded and without control characters. */
  static String shown(String arg) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < arg.length() && s.length() < 200; i++) {
      char c = arg.charAt(i);
      s.append(Character.isISOControl(c) ? '?' : c);
    }
    return arg.length() > 200 ? s + "..." : s.toString();
  }
}
