package io.wharf.cli;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.ref.Reference;
import java.util.List;

/**
 * {@code wharf delete docker://HOST/REPO:TAG|@DIGEST}: deletes the manifest, as skopeo does: a tag
 * is resolved to its digest and the manifest is deleted by digest (end-9), so every tag of it goes.
 */
final class DeleteCommand extends ClientCommand {

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "delete",
          List.of(
              "Deletes a manifest from a registry, by digest.",
              "A tag is resolved first, so all tags of that manifest go, as with skopeo delete.",
              "Exit status: 0 deleted, 1 failed, 2 bad arguments."),
          List.of(new Cli.Positional("docker://HOST/REPO:TAG|@DIGEST", "The manifest.")),
          ClientOptions.after(InspectCommand.CREDS));

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  int run(Cli.Args args) throws Exception {
    String image = args.positional(0);
    ClientOptions client = ClientOptions.from(args);
    if (!(ImageLocation.parse(image) instanceof ImageLocation.Docker d)) {
      throw new IllegalArgumentException("wharf delete takes docker://HOST/REPO:TAG or @DIGEST");
    }
    if (!d.explicit()) {
      throw new IllegalArgumentException("name a tag or digest to delete: " + image);
    }
    subject(d);
    Reference ref = d.reference();
    try (RegistryClient c = client.client(ref.registry(), args.value(InspectCommand.CREDS))) {
      Reference byDigest;
      if (ref.digest().isEmpty()) {
        Descriptor found =
            c.headManifest(ref)
                .orElseThrow(
                    () ->
                        new NotFoundException(
                            ErrorCode.MANIFEST_UNKNOWN, "no manifest " + ref + " to delete"));
        byDigest = ref.atDigest(found.digest());
      } else {
        byDigest = ref.atDigest(ref.digest().get());
      }
      c.deleteManifest(byDigest);
      out().println("deleted " + byDigest);
      out().flush();
    }
    return 0;
  }
}
