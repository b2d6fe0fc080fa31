package io.wharf.cli;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.copy.ImageSource;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.RawManifest;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code wharf inspect IMAGE}: what a manifest is, as text, JSON or its raw bytes. */
final class InspectCommand extends ClientCommand {

  static final Cli.Option JSON = Cli.Option.flag("Print JSON instead of text.", "--json");
  static final Cli.Option RAW = Cli.Option.flag("Print the manifest's exact bytes.", "--raw");
  static final Cli.Option CREDS = Cli.Option.value("USER:PASS", "Registry credentials.", "--creds");

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "inspect",
          List.of(
              "Shows a manifest: digest, media type, and platforms or config and layers.",
              "IMAGE: docker://HOST/REPO[:TAG|@DIGEST], oci:DIR[:TAG], oci-archive:FILE[:TAG].",
              "Exit status: 0 shown, 1 failed, 2 bad arguments."),
          List.of(new Cli.Positional("IMAGE", "The image.")),
          ClientOptions.after(JSON, RAW, CREDS));

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  int run(Cli.Args args) throws Exception {
    boolean json = args.flag(JSON);
    boolean raw = args.flag(RAW);
    ClientOptions client = ClientOptions.from(args);
    if (json && raw) {
      throw new IllegalArgumentException("--json and --raw exclude each other");
    }
    ImageLocation location = ImageLocation.parse(args.positional(0));
    RawManifest manifest;
    if (location instanceof ImageLocation.Docker d) {
      subject(d);
      try (RegistryClient c = client.client(d.reference().registry(), args.value(CREDS))) {
        manifest = c.getManifest(d.reference());
      }
    } else {
      ImageLocation.Layout l = (ImageLocation.Layout) location;
      try (ImageSource source = ImageSource.layout(l.path(), l.tag())) {
        manifest = source.root();
      }
    }
    if (raw) {
      PrintStream stdout = System.out;
      out().flush();
      manifest.bytes().writeTo(stdout);
      stdout.flush();
      return 0;
    }
    PrintWriter out = out();
    out.print(json ? json(location, manifest) : text(location, manifest));
    out.flush();
    return 0;
  }

  static String text(ImageLocation location, RawManifest raw) {
    StringBuilder s = new StringBuilder();
    Manifest m = raw.parse();
    s.append("Name:       ").append(location).append('\n');
    s.append("Digest:     ").append(raw.digest()).append('\n');
    s.append("MediaType:  ").append(printable(raw.mediaType().value())).append('\n');
    s.append("Size:       ").append(raw.bytes().size()).append('\n');
    m.artifactType()
        .ifPresent(t -> s.append("ArtifactType: ").append(printable(t.value())).append('\n'));
    m.subject().ifPresent(d -> s.append("Subject:    ").append(d.digest()).append('\n'));
    if (m instanceof ImageIndex index) {
      s.append("Manifests:\n");
      for (Descriptor d : index.manifests()) {
        s.append("  ")
            .append(d.platform().map(p -> printable(p.toString())).orElse("-"))
            .append("  ")
            .append(d.digest())
            .append("  ")
            .append(printable(d.mediaType().value()))
            .append('\n');
      }
    } else {
      ImageManifest image = (ImageManifest) m;
      s.append("Config:     ")
          .append(image.config().digest())
          .append(" (")
          .append(printable(image.config().mediaType().value()))
          .append(")\n");
      s.append("Layers:\n");
      for (Descriptor d : image.layers()) {
        s.append("  ")
            .append(d.digest())
            .append("  ")
            .append(d.size())
            .append("  ")
            .append(printable(d.mediaType().value()))
            .append('\n');
      }
    }
    m.annotations()
        .forEach(
            (k, v) ->
                s.append("Annotation: ")
                    .append(printable(k))
                    .append('=')
                    .append(printable(v))
                    .append('\n'));
    return s.toString();
  }

  static String json(ImageLocation location, RawManifest raw) {
    Manifest m = raw.parse();
    List<String> fields = new ArrayList<>();
    fields.add(field("name", str(location.toString())));
    fields.add(field("digest", str(raw.digest().toString())));
    fields.add(field("mediaType", str(raw.mediaType().value())));
    fields.add(field("size", Long.toString(raw.bytes().size())));
    m.artifactType().ifPresent(t -> fields.add(field("artifactType", str(t.value()))));
    m.subject().ifPresent(d -> fields.add(field("subject", str(d.digest().toString()))));
    if (m instanceof ImageIndex index) {
      List<String> entries = new ArrayList<>();
      for (Descriptor d : index.manifests()) {
        List<String> e = new ArrayList<>();
        e.add(field("digest", str(d.digest().toString())));
        e.add(field("mediaType", str(d.mediaType().value())));
        e.add(field("size", Long.toString(d.size())));
        d.platform().ifPresent(p -> e.add(field("platform", str(p.toString()))));
        entries.add("{" + String.join(",", e) + "}");
      }
      fields.add(field("manifests", "[" + String.join(",", entries) + "]"));
    } else {
      ImageManifest image = (ImageManifest) m;
      fields.add(field("config", descriptor(image.config())));
      List<String> layers = new ArrayList<>();
      for (Descriptor d : image.layers()) {
        layers.add(descriptor(d));
      }
      fields.add(field("layers", "[" + String.join(",", layers) + "]"));
    }
    List<String> annotations = new ArrayList<>();
    new java.util.TreeMap<>(m.annotations()).forEach((k, v) -> annotations.add(field(k, str(v))));
    fields.add(field("annotations", "{" + String.join(",", annotations) + "}"));
    return "{" + String.join(",", fields) + "}\n";
  }

  private static String descriptor(Descriptor d) {
    return "{"
        + field("digest", str(d.digest().toString()))
        + ","
        + field("mediaType", str(d.mediaType().value()))
        + ","
        + field("size", Long.toString(d.size()))
        + "}";
  }

  private static String field(String name, String jsonValue) {
    return str(name) + ":" + jsonValue;
  }

  /**
   * {@code s} with control characters (C0, DEL, C1) shown as Java-style unicode escapes (ESC
   * becomes backslash, u001b): annotations and media types come from a registry, and an escape
   * sequence printed raw would drive the terminal.
   */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isControl(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }

  /** A JSON string literal, with control characters escaped. */
  static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (isControl(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
