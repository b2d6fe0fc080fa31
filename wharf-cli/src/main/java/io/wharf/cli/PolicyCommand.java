package io.wharf.cli;

import io.wharf.oci.policy.PolicyError;
import io.wharf.oci.policy.PolicyException;
import io.wharf.oci.policy.PolicySet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code wharf policy check FILE...}: validates policy documents. */
final class PolicyCommand implements Command {

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "policy",
          List.of(
              "Checks policy documents (YAML or JSON; format in oci-policy/POLICY.md).",
              "ACTION is check. FILE is one document; the documents of a wharf.yaml's",
              "policies section are checked together when FILE is a wharf.yaml with one.",
              "Prints every error as FILE:LINE:COLUMN: FIELD: message.",
              "Exit status: 0 valid, 1 not valid, 2 bad arguments or unreadable file."),
          List.of(
              new Cli.Positional("ACTION", "check"),
              new Cli.Positional("FILE", "the policy document or wharf.yaml")),
          List.of());

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  public int run(Cli.Args args, PrintWriter out, PrintWriter err) throws Cli.UsageError {
    String action = args.positional(0);
    if (!action.equals("check")) {
      throw new Cli.UsageError("unknown ACTION '" + Cli.shown(action) + "' (known: check)");
    }
    Path file = Path.of(args.positional(1));
    List<PolicyConfig.PolicyText> texts = new ArrayList<>();
    String registryName;
    try {
      String text = PolicyConfig.readFile(file);
      PolicyConfig config = asWharfConfig(file, text);
      registryName = config.registryName().orElse("");
      texts.addAll(
          config.any() ? config.read() : List.of(PolicyConfig.PolicyText.ofFile(file, text)));
    } catch (ConfigException e) {
      err.println("wharf policy: " + e.getMessage());
      return 2;
    }
    try {
      PolicySet set = PolicyRuntime.load(texts, registryName, 1);
      out.println(file + ": valid: " + PolicyRuntime.describe(set));
      return 0;
    } catch (PolicyException e) {
      for (PolicyError error : e.errors()) {
        out.println(error);
      }
      out.println(
          file
              + ": not valid: "
              + e.errors().size()
              + (e.errors().size() == 1 ? " error" : " errors"));
      return 1;
    }
  }

  /**
   * The policies of {@code file} (whose text is {@code text}) read as a {@code wharf.yaml}, when it
   * is one with a {@code policies} section; none otherwise (then it is a policy document).
   */
  private static PolicyConfig asWharfConfig(Path file, String text) throws ConfigException {
    if (!text.lines().anyMatch(l -> l.startsWith("policies:"))) {
      return PolicyConfig.none();
    }
    Path base = file.toAbsolutePath().getParent();
    return WharfConfig.parse(text, file.toString(), base == null ? Path.of("") : base)
        .policies()
        .orElse(PolicyConfig.none());
  }
}
