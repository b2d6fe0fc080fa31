package io.wharf.cli;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.copy.Copier;
import io.wharf.oci.client.copy.CopyRequest;
import io.wharf.oci.client.copy.CopyResult;
import io.wharf.oci.client.copy.ImageDestination;
import io.wharf.oci.client.copy.ImageSource;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.Digests;
import io.wharf.oci.model.ImageConfig;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayoutWriter;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * {@code wharf create-image [--file SRC[:DEST_PATH]]... DEST}: a small, valid OCI image made from
 * files on this machine (one gzipped tar layer, a config for linux and this machine's architecture,
 * the manifest), written where {@code wharf copy} writes. The same files give the same digest:
 * {@link LayerTar} fixes times, owners and order, and the config's dates are the epoch.
 *
 * <p>The image is written with {@link OciLayoutWriter} into a temporary layout, then copied to DEST
 * by the copy engine, so a layout, an archive and a registry get it as {@code wharf copy} writes
 * them.
 */
final class CreateImageCommand extends ClientCommand {

  static final Cli.Option FILE =
      Cli.Option.repeatable(
          "SRC[:DEST_PATH]",
          "A file to put in the image, at DEST_PATH (relative to the image's root; default its"
              + " name there); repeat for more. Without any: a small hello.txt.",
          "--file");

  /** The file an image gets when no {@code --file} is given. */
  static final String DEFAULT_FILE = "hello.txt";

  /** Its content. */
  static final Bytes DEFAULT_CONTENT =
      Bytes.utf8("Hello from Wharf: this image was made by wharf create-image.\n");

  /**
   * The {@code created} date of the config and its history: the epoch, for reproducible digests.
   */
  static final String CREATED = "1970-01-01T00:00:00Z";

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "create-image",
          List.of(
              "Creates a small OCI image of files (one layer) for linux and this machine's CPU.",
              "DEST: docker://HOST/REPO:TAG, oci:DIR[:TAG], oci-archive:FILE[:TAG].",
              "The same files give the same digest: fixed dates, owners and order.",
              "Exit status: 0 created, 1 failed, 2 bad arguments."),
          List.of(new Cli.Positional("DEST", "Where the image goes.")),
          ClientOptions.after(FILE, InspectCommand.CREDS));

  /** The tag of the image in the temporary layout it is first written to. */
  private static final Tag BUILT = Tag.of("image");

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  int run(Cli.Args args) throws Exception {
    ClientOptions options = ClientOptions.from(args);
    ImageLocation to = ImageLocation.parse(args.positional(0));
    List<LayerFile> files = new ArrayList<>();
    for (String spec : args.values(FILE)) {
      LayerFile f = LayerFile.parse(spec);
      if (!Files.isRegularFile(f.source())) {
        throw new IllegalArgumentException(
            "--file " + Cli.shown(spec) + ": no such file, or not a regular file");
      }
      files.add(f);
    }
    LayerTar.entries(files); // refuses two files on one path before anything is written
    if (to instanceof ImageLocation.Docker d) {
      subject(d);
    }
    String architecture = CopyCommand.runtimePlatform().architecture();
    List<RegistryClient> clients = new ArrayList<>();
    try (TempFolder temp = TempFolder.create("wharf-create-image-")) {
      if (files.isEmpty()) {
        Path hello = temp.path().resolve(DEFAULT_FILE);
        Files.write(hello, DEFAULT_CONTENT.toByteArray());
        files.add(new LayerFile(hello, DEFAULT_FILE));
      }
      Path layout = temp.path().resolve("layout");
      RawManifest manifest = writeLayout(files, architecture, layout, BUILT);
      CopyResult result;
      try (ImageSource src = ImageSource.layout(layout, Optional.of(BUILT.value()));
          ImageDestination dst =
              CopyCommand.destination(to, options, args.value(InspectCommand.CREDS), clients)) {
        result = Copier.builder().build().copy(CopyRequest.of(src, dst));
      }
      out()
          .println(
              "Created "
                  + to
                  + ": "
                  + result.root().digest()
                  + " (linux/"
                  + architecture
                  + ", "
                  + files.size()
                  + (files.size() == 1 ? " file" : " files")
                  + " in one layer of "
                  + CopyProgressPrinter.size(
                      ((ImageManifest) manifest.parse()).layers().get(0).size())
                  + ")");
      out().flush();
      return 0;
    } finally {
      for (RegistryClient c : clients) {
        c.close();
      }
    }
  }

  /**
   * Writes the image of {@code files} for linux on {@code architecture} into an OCI layout at
   * {@code dir}, tagged {@code tag}: the gzipped tar layer (written to a file beside the layout
   * first, while its uncompressed digest, the config's DiffID, is computed), the config and the
   * manifest.
   *
   * @return the manifest
   */
  static RawManifest writeLayout(List<LayerFile> files, String architecture, Path dir, Tag tag)
      throws IOException {
    Files.createDirectories(dir);
    Path layer = Files.createTempFile(dir.getParent(), "layer-", ".tar.gz");
    try {
      Digests.DigestingOutputStream compressed;
      Digests.DigestingOutputStream tar;
      try (OutputStream file = Files.newOutputStream(layer)) {
        compressed = Digests.digesting(file, DigestAlgorithm.SHA256);
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed, 64 * 1024)) {
          tar = Digests.digesting(gzip, DigestAlgorithm.SHA256);
          LayerTar.write(files, tar);
        }
      }
      long size = compressed.size(); // before digest(), which resets it
      Descriptor layerDescriptor =
          Descriptor.of(MediaType.OCI_LAYER_TAR_GZIP, compressed.digest(), size);
      ImageConfig config =
          new ImageConfig(
              Optional.of(CREATED),
              Optional.empty(),
              architecture,
              "linux",
              Optional.empty(),
              List.of(),
              Optional.empty(),
              Optional.empty(),
              new ImageConfig.RootFs("layers", List.of(tar.digest())),
              List.of(
                  new ImageConfig.History(
                      Optional.of(CREATED),
                      Optional.of("wharf create-image"),
                      Optional.empty(),
                      Optional.empty(),
                      false)));
      try (OciLayoutWriter writer = OciLayoutWriter.toDirectory(dir);
          InputStream in = Files.newInputStream(layer)) {
        Descriptor written = writer.writeBlob(in, layerDescriptor);
        Descriptor configDescriptor =
            writer.writeBlob(MediaType.OCI_IMAGE_CONFIG, config.toBytes());
        RawManifest manifest =
            ManifestCodec.defaults().encode(ImageManifest.of(configDescriptor, List.of(written)));
        writer.add(writer.writeManifest(manifest), tag);
        return manifest;
      }
    } finally {
      Files.deleteIfExists(layer);
    }
  }
}
