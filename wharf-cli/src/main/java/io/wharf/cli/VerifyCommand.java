package io.wharf.cli;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.ReferenceParser;
import io.wharf.oci.policy.PolicyError;
import io.wharf.oci.policy.PolicyException;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.Reason;
import io.wharf.oci.verify.ImageVerifier;
import io.wharf.oci.verify.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code wharf verify IMAGE --policy FILE... [--containers-policy policy.json...]}: judges an image
 * on any registry by the policies {@code wharf serve} would enforce on its pull (Wharf policy
 * documents, and containers/image's {@code policy.json} read for the image's registry), and prints
 * the decision with every reason.
 *
 * <p>Exit status: 0 allowed, 1 denied, 2 bad arguments or policies (every error of every document,
 * with its line, on standard error), 3 not verified: the registry could not be reached, refused
 * (credentials, a missing image: 404) or sent content that fails verification. A verification that
 * could not be made is never 0 or 1, so a script can tell "denied" from "could not tell".
 */
final class VerifyCommand implements Command {

  /** Exit status when the image could not be verified (the registry, not the policy). */
  static final int NOT_VERIFIED = 3;

  static final Cli.Option POLICY =
      Cli.Option.repeatable(
          "FILE",
          "A policy document (YAML or JSON, see oci-policy/POLICY.md); repeat for several.",
          "--policy");

  static final Cli.Option CONTAINERS_POLICY =
      Cli.Option.repeatable(
          "FILE",
          "A containers/image policy.json (as podman and skopeo read it), its scopes judged for"
              + " the image's registry; with or instead of --policy.",
          "--containers-policy");

  static final Cli.Option JSON =
      Cli.Option.flag(
          "Print {reference, digest, allowed, reasons:[{rule, message}]} as JSON.", "--json");

  static final Cli.Option CREDS = Cli.Option.value("USER:PASS", "Registry credentials.", "--creds");

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "verify",
          List.of(
              "Judges an image by the policies wharf serve would enforce on its pull.",
              "IMAGE: [docker://]HOST/REPO:TAG or HOST/REPO@DIGEST, on any registry. The",
              "manifest, its referrers, signatures and reports are read from the registry;",
              "prints allowed or denied with every reason (rule: message).",
              "Exit status: 0 allowed, 1 denied, 2 bad arguments or policies, 3 not verified",
              "(the registry could not be reached, refused, or lacks the image)."),
          List.of(new Cli.Positional("IMAGE", "The image.")),
          ClientOptions.after(POLICY, CONTAINERS_POLICY, JSON, CREDS));

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  public int run(Cli.Args args, PrintWriter out, PrintWriter err) throws Cli.UsageError {
    List<String> files = args.values(POLICY);
    List<String> containersFiles = args.values(CONTAINERS_POLICY);
    if (files.isEmpty() && containersFiles.isEmpty()) {
      throw new Cli.UsageError("--policy FILE (or --containers-policy FILE) is required");
    }
    Reference reference;
    try {
      reference = reference(args.positional(0));
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError(e.getMessage());
    }
    PolicySet policies;
    try {
      policies = policies(files, containersFiles, reference.registry().value());
    } catch (ConfigException e) {
      return fail(err, e.getMessage(), 2);
    } catch (PolicyException e) {
      return fail(err, invalid(e, err), 2);
    }
    ClientOptions options = ClientOptions.from(args);
    Verdict verdict;
    try (RegistryClient client = options.client(reference.registry(), args.value(CREDS))) {
      verdict = ImageVerifier.builder(client).policies(policies).build().verify(reference);
    } catch (IllegalArgumentException e) {
      return fail(err, e.getMessage(), 2);
    } catch (RegistryClientException e) {
      String what = e.isNotFound() ? "not found: " : "";
      return fail(err, "cannot verify " + reference + ": " + what + e.getMessage(), NOT_VERIFIED);
    } catch (IOException | OciException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return fail(err, "cannot verify " + reference + ": " + message, NOT_VERIFIED);
    } catch (RuntimeException e) {
      // Never 0 or 1: a verification that broke did not decide anything.
      return fail(err, "cannot verify " + reference + ": " + e, NOT_VERIFIED);
    }
    out.print(args.flag(JSON) ? json(verdict) : text(verdict));
    out.flush();
    return verdict.allowed() ? 0 : 1;
  }

  /** {@code IMAGE} with or without skopeo's {@code docker://}, by Docker's rules. */
  static Reference reference(String image) {
    String text = image.startsWith("docker://") ? image.substring("docker://".length()) : image;
    if (text.length() > ImageLocation.MAX_LENGTH) {
      throw new IllegalArgumentException("IMAGE is longer than " + ImageLocation.MAX_LENGTH);
    }
    try {
      return ReferenceParser.docker().parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "invalid image reference '" + Cli.shown(text) + "': " + e.getMessage(), e);
    }
  }

  /**
   * The documents of {@code files}, each read as UTF-8 (at most 1 MiB); the files a document names
   * (keys, certificates, trusted roots) resolve against its folder. Every error of every document
   * is collected.
   */
  static PolicySet policies(List<String> files) throws ConfigException, PolicyException {
    return policies(files, List.of(), "");
  }

  /**
   * The documents of {@code files} and the containers/image policies of {@code containersFiles},
   * whose scopes are read for {@code registryName} (the image's registry, as its reference names
   * it); every error of every document is collected.
   */
  static PolicySet policies(List<String> files, List<String> containersFiles, String registryName)
      throws ConfigException, PolicyException {
    List<PolicyConfig.PolicyText> texts = new ArrayList<>();
    for (String file : files) {
      Path path = Path.of(file);
      texts.add(PolicyConfig.PolicyText.ofFile(path, PolicyConfig.readFile(path)));
    }
    for (String file : containersFiles) {
      Path path = Path.of(file);
      texts.add(PolicyConfig.PolicyText.ofContainersFile(path, PolicyConfig.readFile(path)));
    }
    return PolicyRuntime.load(texts, registryName, 1);
  }

  /** Prints every error of {@code e} on {@code err}; the line that ends them. */
  static String invalid(PolicyException e, PrintWriter err) {
    for (PolicyError error : e.errors()) {
      err.println(error);
    }
    return "not valid: "
        + e.errors().size()
        + (e.errors().size() == 1 ? " error" : " errors")
        + " in the policies";
  }

  private static int fail(PrintWriter err, String message, int status) {
    err.println("wharf verify: " + ClientCommand.oneLine(message));
    err.flush();
    return status;
  }

  /**
   * {@code REFERENCE@DIGEST: allowed}, or {@code denied} and one line per reason ({@code rule:
   * message}); text from the registry is shown with control characters escaped.
   */
  static String text(Verdict verdict) {
    StringBuilder s = new StringBuilder();
    s.append(InspectCommand.printable(verdict.pinned().toString()));
    s.append(verdict.allowed() ? ": allowed" : ": denied").append('\n');
    for (Reason reason : verdict.reasons()) {
      s.append("  ")
          .append(InspectCommand.printable(reason.rule()))
          .append(": ")
          .append(InspectCommand.printable(reason.message()))
          .append('\n');
    }
    if (verdict.decision().scanRequested()) {
      s.append("  (the policies ask for a vulnerability scan of the image)\n");
    }
    return s.toString();
  }

  /** {@code {"reference":…,"digest":…,"allowed":…,"reasons":[{"rule":…,"message":…}]}}. */
  static String json(Verdict verdict) {
    List<String> reasons = new ArrayList<>();
    for (Reason reason : verdict.reasons()) {
      reasons.add(
          "{\"rule\":"
              + InspectCommand.str(reason.rule())
              + ",\"message\":"
              + InspectCommand.str(reason.message())
              + "}");
    }
    return "{\"reference\":"
        + InspectCommand.str(verdict.reference().toString())
        + ",\"digest\":"
        + InspectCommand.str(verdict.digest().toString())
        + ",\"allowed\":"
        + verdict.allowed()
        + ",\"reasons\":["
        + String.join(",", reasons)
        + "]}\n";
  }
}
