package io.wharf.cli;

import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageCheck;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code wharf fsck}: checks (and with {@code --repair}, repairs) a data folder. */
final class FsckCommand implements Command {

  static final Cli.Option DATA =
      Cli.Option.value("DIR", "The data folder to check (default ./wharf-data).", "--data");
  static final Cli.Option REPAIR =
      Cli.Option.flag(
          "Delete corrupt blobs and remove links to missing blobs, then report.", "--repair");

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "fsck",
          List.of(
              "Checks a data folder (stop 'wharf serve' first).",
              "Re-hashes every blob, and checks that every blob link points at a stored blob and that",
              "every manifest's blobs and child manifests are present.",
              "Exit status: 0 clean, 1 problems found (even when repaired), 2 could not check."),
          List.of(),
          List.of(DATA, REPAIR));

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  public int run(Cli.Args args, PrintWriter out, PrintWriter err) throws Cli.UsageError {
    boolean repair = args.flag(REPAIR);
    Path dir =
        args.value(DATA, Path::of).orElse(ServerSettings.DEFAULT_DATA).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      err.println("wharf fsck: no data folder at " + dir);
      err.flush();
      return 2;
    }
    if (!Files.isRegularFile(LocalStorage.metadataFile(dir))) {
      err.println(
          "wharf fsck: "
              + dir
              + " is not a Wharf data folder (it has no "
              + LocalStorage.METADATA_FILE
              + ")");
      err.flush();
      return 2;
    }
    StorageCheck.Report report;
    try (RegistryStorage storage = LocalStorage.open(dir)) {
      report = repair ? StorageCheck.repair(storage) : StorageCheck.check(storage);
    } catch (IOException e) {
      err.println("wharf fsck: cannot check " + dir + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    for (StorageCheck.Problem p : report.problems()) {
      out.println(p.kind() + ": " + p.detail());
    }
    for (String r : report.repairs()) {
      out.println("repaired: " + r);
    }
    out.println(
        dir
            + ": "
            + report.blobsVerified()
            + " blobs verified, "
            + report.manifestsChecked()
            + " manifests checked, "
            + (report.isClean()
                ? "no problems"
                : report.problems().size()
                    + (report.problems().size() == 1 ? " problem" : " problems")
                    + (repair ? ", " + report.repairs().size() + " repaired" : "")));
    out.flush();
    return report.isClean() ? 0 : 1;
  }
}
