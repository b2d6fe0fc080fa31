package io.wharf.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayoutWriter;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The work the {@code wharf} launcher records its class-data sharing archive from ({@code wharf
 * cds-training}, not a user command): two registries on loopback and every client command between
 * them and OCI layouts, so that the archive holds the classes of every path. Recorded from a user's
 * first command instead, the archive held only that command's classes: after a first {@code
 * inspect}, every later copy loaded its classes one by one from the jar.
 *
 * <p>Everything happens in a temporary folder that is deleted afterwards; nothing is printed.
 */
final class CdsTraining {

  private CdsTraining() {}

  /** Runs the training; returns 0, or 1 when a step failed (the archive is then partial). */
  static int run(PrintWriter err) throws IOException {
    PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream(), false, UTF_8);
    try (TempFolder temp = TempFolder.create("wharf-cds-training-");
        WharfServer one = server(temp.path().resolve("one"));
        WharfServer two = server(temp.path().resolve("two"))) {
      Path dir = temp.path();
      String a = "docker://127.0.0.1:" + one.port() + "/cds/app";
      String b = "docker://127.0.0.1:" + two.port() + "/cds/app";
      String layout = "oci:" + image(dir.resolve("layout")) + ":v1";
      List<List<String>> commands =
          List.of(
              List.of("copy", layout, a + ":v1"),
              List.of("copy", a + ":v1", b + ":v1"),
              List.of("copy", "-q", a + ":v1", a + "-mounted:v1"),
              List.of("copy", a + ":v1", "oci:" + dir.resolve("out") + ":v1"),
              List.of("copy", b + ":v1", "oci-archive:" + dir.resolve("out.tar") + ":v1"),
              List.of("inspect", a + ":v1"),
              List.of("inspect", "--json", b + ":v1"),
              List.of("tags", a),
              List.of("verify", "--policy", policy(dir).toString(), a + ":v1"),
              List.of("delete", b + ":v1"),
              List.of("create-image", "oci:" + dir.resolve("created") + ":v1"),
              List.of("create-image", b + "-created:v1"));
      int status = 0;
      for (List<String> command : commands) {
        int s = Wharf.run(command, quiet, quiet);
        if (s != 0) {
          err.println("wharf cds-training: " + String.join(" ", command) + " exited " + s);
          status = 1;
        }
      }
      return status;
    }
  }

  /** A policy document with one rule, which {@code cds/app} passes (it matches no image). */
  private static Path policy(Path dir) throws IOException {
    return Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nrules:\n  - name: scanned\n    match: {projects: [none]}\n"
            + "    vulnerabilities: {severity: CRITICAL, missingReport: deny}\n");
  }

  private static WharfServer server(Path data) throws IOException {
    return WharfServer.start(ServerSettings.loopback(data));
  }

  /**
   * An OCI layout holding one image tagged {@code v1}: a config and a layer just over the client's
   * single-PUT limit (32 MiB), so that the streamed upload of large blobs is recorded too.
   */
  private static Path image(Path dir) throws IOException {
    byte[] random = new byte[(33 << 20) + 17];
    new Random(1).nextBytes(random);
    try (OciLayoutWriter w = OciLayoutWriter.toDirectory(dir)) {
      Descriptor layer = w.writeBlob(MediaType.OCI_LAYER_TAR_GZIP, Bytes.of(random));
      Descriptor config =
          w.writeBlob(
              MediaType.OCI_IMAGE_CONFIG,
              Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
      RawManifest manifest =
          ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer)));
      w.add(w.writeManifest(manifest), Tag.of("v1"));
    }
    return dir;
  }
}
