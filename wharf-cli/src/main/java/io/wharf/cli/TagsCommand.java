package io.wharf.cli;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.ref.Tag;
import java.io.PrintWriter;
import java.util.List;

/** {@code wharf tags docker://HOST/REPO}: the repository's tags, one per line. */
final class TagsCommand extends ClientCommand {

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "tags",
          List.of(
              "Lists the tags of a repository, one per line, following every page.",
              "Exit status: 0 listed, 1 failed, 2 bad arguments."),
          List.of(new Cli.Positional("docker://HOST/REPO", "The repository.")),
          ClientOptions.after(InspectCommand.CREDS));

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  int run(Cli.Args args) throws Exception {
    String repository = args.positional(0);
    ClientOptions client = ClientOptions.from(args);
    if (!(ImageLocation.parse(repository) instanceof ImageLocation.Docker d)) {
      throw new IllegalArgumentException("wharf tags takes docker://HOST/REPO");
    }
    if (d.explicit()) {
      throw new IllegalArgumentException("name a repository without tag or digest: " + repository);
    }
    subject(d);
    try (RegistryClient c =
        client.client(d.reference().registry(), args.value(InspectCommand.CREDS))) {
      PrintWriter out = out();
      for (Tag t : c.listTags(Repository.of(d.reference()))) {
        out.println(t.value());
      }
      out.flush();
    }
    return 0;
  }
}
