package io.wharf.examples;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.copy.Copier;
import io.wharf.oci.client.copy.CopyRequest;
import io.wharf.oci.client.copy.CopyResult;
import io.wharf.oci.client.copy.ImageDestination;
import io.wharf.oci.client.copy.ImageSource;
import io.wharf.oci.client.copy.PlatformSelection;
import io.wharf.oci.model.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wharf copy SRC DST}: skopeo's copy, over the copy engine. */
@Command(
    name = "copy",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = Wharf.Version.class,
    description = {
      "Copies an image, an index or any artifact between registries and OCI layouts.",
      "SRC and DST: docker://HOST/REPO[:TAG|@DIGEST], oci:DIR[:TAG], oci-archive:FILE[:TAG].",
      "Without --all, an index gives the manifest of --platform (default: this machine's).",
      "Exit status: 0 copied, 1 failed, 2 bad arguments."
    })
final class CopyCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "SRC", description = "Where the image is.")
  String source;

  @Parameters(index = "1", paramLabel = "DST", description = "Where it goes.")
  String destination;

  @Option(names = "--all", description = "Copy an index with all its platforms, digest kept.")
  boolean all;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "The platform to take from an index; repeat for a filtered index.")
  List<String> platforms = new ArrayList<>();

  @Option(names = "--referrers", description = "Copy referrers (signatures, SBOMs), recursively.")
  boolean referrers;

  @Option(names = "--src-creds", paramLabel = "USER:PASS", description = "Source credentials.")
  String srcCreds;

  @Option(
      names = "--dest-creds",
      paramLabel = "USER:PASS",
      description = "Destination credentials.")
  String destCreds;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Blobs moved at once (default ${DEFAULT-VALUE}).")
  int parallel = 4;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only the digest copied.")
  boolean quiet;

  @Mixin ClientOptions client = new ClientOptions();

  @Override
  int run() throws Exception {
    if (all && !platforms.isEmpty()) {
      throw new IllegalArgumentException("--all and --platform exclude each other");
    }
    if (parallel < 1 || parallel > 64) {
      throw new IllegalArgumentException("--parallel must be from 1 to 64");
    }
    ImageLocation from = ImageLocation.parse(source);
    ImageLocation to = ImageLocation.parse(destination);
    PlatformSelection selection = selection();
    List<RegistryClient> clients = new ArrayList<>();
    try (ImageSource src = source(from, clients);
        ImageDestination dst = destination(to, clients)) {
      boolean terminal = System.console() != null && !quiet;
      CopyProgressPrinter printer = new CopyProgressPrinter(out(), terminal, quiet);
      CopyResult result =
          Copier.builder()
              .parallelism(parallel)
              .listener(printer)
              .build()
              .copy(CopyRequest.of(src, dst).withPlatforms(selection).withReferrers(referrers));
      printer.done(result, from, to);
      return 0;
    } finally {
      for (RegistryClient c : clients) {
        c.close();
      }
    }
  }

  private PlatformSelection selection() {
    if (all) {
      return PlatformSelection.all();
    }
    List<Platform> wanted = new ArrayList<>();
    for (String p : platforms) {
      try {
        wanted.add(Platform.parse(p));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid --platform " + p + ": " + e.getMessage());
      }
    }
    if (wanted.isEmpty()) {
      wanted.add(runtimePlatform());
    }
    return new PlatformSelection(wanted);
  }

  /** This machine's platform, as Go names it (what skopeo picks without --all). */
  static Platform runtimePlatform() {
    String arch = System.getProperty("os.arch", "amd64");
    String goArch =
        switch (arch) {
          case "x86_64", "amd64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "x86", "i386", "i686" -> "386";
          case "ppc64le" -> "ppc64le";
          case "s390x" -> "s390x";
          case "riscv64" -> "riscv64";
          default -> arch;
        };
    String os = System.getProperty("os.name", "linux").toLowerCase(java.util.Locale.ROOT);
    String goOs = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "darwin" : "linux";
    return Platform.of(goOs, goArch);
  }

  private ImageSource source(ImageLocation location, List<RegistryClient> clients)
      throws IOException {
    if (location instanceof ImageLocation.Docker d) {
      RegistryClient c = client.client(d.reference().registry(), Optional.ofNullable(srcCreds));
      clients.add(c);
      return ImageSource.registry(c, d.reference());
    }
    ImageLocation.Layout l = (ImageLocation.Layout) location;
    return ImageSource.layout(l.path(), l.tag());
  }

  private ImageDestination destination(ImageLocation location, List<RegistryClient> clients)
      throws IOException {
    if (location instanceof ImageLocation.Docker d) {
      RegistryClient c = client.client(d.reference().registry(), Optional.ofNullable(destCreds));
      clients.add(c);
      return ImageDestination.registry(c, d.reference());
    }
    ImageLocation.Layout l = (ImageLocation.Layout) location;
    return l.archive()
        ? ImageDestination.layoutArchive(l.path(), l.destinationTag())
        : ImageDestination.layoutDirectory(l.path(), l.destinationTag());
  }
}
