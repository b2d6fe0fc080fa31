package io.wharf.examples;

import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.StorageCheck;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wharf fsck}: checks (and with {@code --repair}, repairs) a data folder. */
@Command(
    name = "fsck",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = Wharf.Version.class,
    description = {
      "Checks a data folder (stop 'wharf serve' first).",
      "Re-hashes every blob, and checks that every blob link points at a stored blob and that",
      "every manifest's blobs and child manifests are present.",
      "Exit status: 0 clean, 1 problems found (even when repaired), 2 could not check."
    })
final class FsckCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "The data folder to check (default ./wharf-data).")
  Path data = ServerSettings.DEFAULT_DATA;

  @Option(
      names = "--repair",
      description = "Delete corrupt blobs and remove links to missing blobs, then report.")
  boolean repair;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = data.toAbsolutePath().normalize();
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
