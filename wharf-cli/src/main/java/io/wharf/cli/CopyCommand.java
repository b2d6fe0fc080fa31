package io.wharf.cli;

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

/** {@code wharf copy SRC DST}: skopeo's copy, over the copy engine. */
final class CopyCommand extends ClientCommand {

  static final Cli.Option ALL =
      Cli.Option.flag("Copy an index with all its platforms, digest kept.", "--all");
  static final Cli.Option PLATFORM =
      Cli.Option.repeatable(
          "OS/ARCH[/VARIANT]",
          "The platform to take from an index; repeat for a filtered index.",
          "--platform");
  static final Cli.Option REFERRERS =
      Cli.Option.flag("Copy referrers (signatures, SBOMs), recursively.", "--referrers");
  static final Cli.Option SRC_CREDS =
      Cli.Option.value("USER:PASS", "Source credentials.", "--src-creds");
  static final Cli.Option DEST_CREDS =
      Cli.Option.value("USER:PASS", "Destination credentials.", "--dest-creds");
  static final Cli.Option PARALLEL =
      Cli.Option.value("N", "Blobs moved at once (default 4).", "--parallel");
  static final Cli.Option QUIET = Cli.Option.flag("Print only the digest copied.", "-q", "--quiet");

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "copy",
          List.of(
              "Copies an image, an index or any artifact between registries and OCI layouts.",
              "SRC and DST: docker://HOST/REPO[:TAG|@DIGEST], oci:DIR[:TAG], oci-archive:FILE[:TAG].",
              "Without --all, an index gives the manifest of --platform (default: this machine's).",
              "Exit status: 0 copied, 1 failed, 2 bad arguments."),
          List.of(
              new Cli.Positional("SRC", "Where the image is."),
              new Cli.Positional("DST", "Where it goes.")),
          ClientOptions.after(ALL, PLATFORM, REFERRERS, SRC_CREDS, DEST_CREDS, PARALLEL, QUIET));

  private ClientOptions client;
  private Optional<String> srcCreds;
  private Optional<String> destCreds;

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  int run(Cli.Args args) throws Exception {
    boolean all = args.flag(ALL);
    List<String> platforms = args.values(PLATFORM);
    boolean quiet = args.flag(QUIET);
    int parallel = args.value(PARALLEL, Integer::parseInt).orElse(4);
    client = ClientOptions.from(args);
    srcCreds = args.value(SRC_CREDS);
    destCreds = args.value(DEST_CREDS);
    if (all && !platforms.isEmpty()) {
      throw new IllegalArgumentException("--all and --platform exclude each other");
    }
    if (parallel < 1 || parallel > 64) {
      throw new IllegalArgumentException("--parallel must be from 1 to 64");
    }
    ImageLocation from = ImageLocation.parse(args.positional(0));
    ImageLocation to = ImageLocation.parse(args.positional(1));
    PlatformSelection selection = selection(all, platforms);
    List<RegistryClient> clients = new ArrayList<>();
    try (ImageSource src = source(from, clients);
        ImageDestination dst = destination(to, client, destCreds, clients)) {
      boolean terminal = System.console() != null && !quiet;
      CopyProgressPrinter printer = new CopyProgressPrinter(out(), terminal, quiet);
      CopyResult result =
          Copier.builder()
              .parallelism(parallel)
              .listener(printer)
              .build()
              .copy(
                  CopyRequest.of(src, dst)
                      .withPlatforms(selection)
                      .withReferrers(args.flag(REFERRERS)));
      printer.done(result, from, to);
      return 0;
    } finally {
      for (RegistryClient c : clients) {
        c.close();
      }
    }
  }

  private static PlatformSelection selection(boolean all, List<String> platforms) {
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
      RegistryClient c = client.client(d.reference().registry(), srcCreds);
      clients.add(c);
      return ImageSource.registry(c, d.reference());
    }
    ImageLocation.Layout l = (ImageLocation.Layout) location;
    return ImageSource.layout(l.path(), l.tag());
  }

  /**
   * {@code location} as a destination: a layout, or a registry through a client with {@code creds}
   * (else the configured credentials) that is added to {@code clients}, for the caller to close.
   */
  static ImageDestination destination(
      ImageLocation location,
      ClientOptions options,
      Optional<String> creds,
      List<RegistryClient> clients)
      throws IOException {
    if (location instanceof ImageLocation.Docker d) {
      RegistryClient c = options.client(d.reference().registry(), creds);
      clients.add(c);
      return ImageDestination.registry(c, d.reference());
    }
    ImageLocation.Layout l = (ImageLocation.Layout) location;
    return l.archive()
        ? ImageDestination.layoutArchive(l.path(), l.destinationTag())
        : ImageDestination.layoutDirectory(l.path(), l.destinationTag());
  }
}
