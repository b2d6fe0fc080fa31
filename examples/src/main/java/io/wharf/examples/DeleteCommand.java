package io.wharf.examples;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.ref.Reference;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wharf delete docker://HOST/REPO:TAG|@DIGEST}: deletes the manifest, as skopeo does: a tag
 * is resolved to its digest and the manifest is deleted by digest (end-9), so every tag of it goes.
 */
@Command(
    name = "delete",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = Wharf.Version.class,
    description = {
      "Deletes a manifest from a registry (by digest; a tag is resolved first, so all tags of",
      "that manifest go, as with skopeo delete). Exit status: 0 deleted, 1 failed, 2 bad arguments."
    })
final class DeleteCommand extends ClientCommand {

  @Parameters(
      index = "0",
      paramLabel = "docker://HOST/REPO:TAG|@DIGEST",
      description = "The manifest.")
  String image;

  @Option(names = "--creds", paramLabel = "USER:PASS", description = "Registry credentials.")
  String creds;

  @Mixin ClientOptions client = new ClientOptions();

  @Override
  int run() throws Exception {
    if (!(ImageLocation.parse(image) instanceof ImageLocation.Docker d)) {
      throw new IllegalArgumentException("wharf delete takes docker://HOST/REPO:TAG or @DIGEST");
    }
    if (!d.explicit()) {
      throw new IllegalArgumentException("name a tag or digest to delete: " + image);
    }
    Reference ref = d.reference();
    try (RegistryClient c = client.client(ref.registry(), Optional.ofNullable(creds))) {
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
