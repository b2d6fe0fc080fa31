package io.wharf.examples;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.ref.Tag;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wharf tags docker://HOST/REPO}: the repository's tags, one per line. */
@Command(
    name = "tags",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = Wharf.Version.class,
    description = {
      "Lists the tags of a repository, one per line, following every page.",
      "Exit status: 0 listed, 1 failed, 2 bad arguments."
    })
final class TagsCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "docker://HOST/REPO", description = "The repository.")
  String repository;

  @Option(names = "--creds", paramLabel = "USER:PASS", description = "Registry credentials.")
  String creds;

  @Mixin ClientOptions client = new ClientOptions();

  @Override
  int run() throws Exception {
    if (!(ImageLocation.parse(repository) instanceof ImageLocation.Docker d)) {
      throw new IllegalArgumentException("wharf tags takes docker://HOST/REPO");
    }
    if (d.explicit()) {
      throw new IllegalArgumentException("name a repository without tag or digest: " + repository);
    }
    try (RegistryClient c = client.client(d.reference().registry(), Optional.ofNullable(creds))) {
      PrintWriter out = out();
      for (Tag t : c.listTags(Repository.of(d.reference()))) {
        out.println(t.value());
      }
      out.flush();
    }
    return 0;
  }
}
