package io.wharf.oci.client.copy;

import io.wharf.oci.model.Annotations;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * An OCI layout (directory or tar archive) as a copy's source. Referrers are the {@code index.json}
 * entries whose manifest has the subject, plus the manifests of the referrers tag schema's index
 * ({@code <alg>-<hex>}), as oras and regclient write them.
 */
final class LayoutSource implements ImageSource {

  private final OciLayout layout;
  private final Path path;
  private final Optional<String> tag;
  private @Nullable Map<Digest, List<Descriptor>> bySubject;

  private LayoutSource(OciLayout layout, Path path, Optional<String> tag) {
    this.layout = layout;
    this.path = path;
    this.tag = tag;
  }

  static LayoutSource open(Path path, Optional<String> tag) throws IOException {
    return new LayoutSource(OciLayout.open(path), path, tag);
  }

  @Override
  public RawManifest root() throws IOException {
    Descriptor entry;
    if (tag.isPresent()) {
      entry =
          layout
              .find(tag.get())
              .orElseThrow(
                  () ->
                      new NotFoundException(
                          ErrorCode.MANIFEST_UNKNOWN,
                          "layout " + path + " has no manifest tagged " + tag.get()));
    } else if (layout.manifests().size() == 1) {
      entry = layout.manifests().get(0);
    } else {
      throw new NotFoundException(
          ErrorCode.MANIFEST_UNKNOWN,
          "layout "
              + path
              + " holds "
              + layout.manifests().size()
              + " manifests; name one with :TAG (tags: "
              + tags()
              + ")");
    }
    return layout.readManifest(entry);
  }

  private String tags() {
    return layout.manifests().stream()
        .map(d -> d.annotations().get(Annotations.REF_NAME))
        .filter(t -> t != null)
        .limit(20)
        .collect(Collectors.joining(", "));
  }

  @Override
  public RawManifest manifest(Descriptor descriptor) throws IOException {
    return layout.readManifest(descriptor);
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    return layout.openBlob(blob);
  }

  @Override
  public InputStream openBlobForVerifyingDestination(Descriptor blob) throws IOException {
    return layout.openBlobUnverified(blob.digest());
  }

  @Override
  public List<Descriptor> referrers(Descriptor subject) throws IOException {
    return referrerIndex().getOrDefault(subject.digest(), List.of());
  }

  /** Every index.json entry's subject, read once; then the tag-schema indexes. */
  private synchronized Map<Digest, List<Descriptor>> referrerIndex() throws IOException {
    if (bySubject != null) {
      return bySubject;
    }
    Map<Digest, Map<Digest, Descriptor>> found = new HashMap<>();
    for (Descriptor entry : layout.manifests()) {
      if (!entry.mediaType().isManifest() || !layout.hasBlob(entry.digest())) {
        continue;
      }
      Manifest m = layout.readManifest(entry).parse();
      String name = entry.annotations().get(Annotations.REF_NAME);
      if (m.subject().isPresent()) {
        found
            .computeIfAbsent(m.subject().get().digest(), k -> new LinkedHashMap<>())
            .putIfAbsent(entry.digest(), Referrers.descriptor(entry, m));
      } else if (name != null && m instanceof ImageIndex index && isTagSchema(name)) {
        Digest subject = tagSchemaSubject(name);
        for (Descriptor d : index.manifests()) {
          found.computeIfAbsent(subject, k -> new LinkedHashMap<>()).putIfAbsent(d.digest(), d);
        }
      }
    }
    Map<Digest, List<Descriptor>> result = new HashMap<>();
    found.forEach((k, v) -> result.put(k, List.copyOf(new ArrayList<>(v.values()))));
    bySubject = result;
    return result;
  }

  private static boolean isTagSchema(String name) {
    return name.matches("[a-z0-9]+-[a-zA-Z0-9=_-]{32,}");
  }

  private static Digest tagSchemaSubject(String name) {
    int dash = name.indexOf('-');
    try {
      return new Digest(name.substring(0, dash), name.substring(dash + 1));
    } catch (InvalidContentException e) {
      return new Digest("sha256", "0".repeat(64)); // not a digest: matches no subject
    }
  }

  @Override
  public void close() throws IOException {
    layout.close();
  }

  @Override
  public String toString() {
    return "oci:" + path + tag.map(t -> ":" + t).orElse("");
  }
}
