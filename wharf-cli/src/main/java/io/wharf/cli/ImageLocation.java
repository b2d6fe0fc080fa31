package io.wharf.cli;

import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.ReferenceParser;
import io.wharf.oci.model.ref.Tag;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an image is, in skopeo's transport syntax: {@code docker://HOST/REPO[:TAG|@DIGEST]}, {@code
 * oci:DIR[:TAG]} or {@code oci-archive:FILE[:TAG]}. As in skopeo, the path ends at the first colon
 * after the transport, so a layout path cannot contain one.
 */
sealed interface ImageLocation {

  /** The longest location accepted. */
  int MAX_LENGTH = 4096;

  /** A repository on a registry; {@code explicit} when the text named a tag or digest. */
  record Docker(Reference reference, boolean explicit) implements ImageLocation {
    @Override
    public String toString() {
      return "docker://" + reference;
    }
  }

  /** An OCI layout, a directory or ({@code archive}) a tar file, and a reference name. */
  record Layout(Path path, Optional<String> tag, boolean archive) implements ImageLocation {
    /** The tag as a destination's tag (the tag grammar). */
    Optional<Tag> destinationTag() {
      return tag.map(Tag::of);
    }

    @Override
    public String toString() {
      return (archive ? "oci-archive:" : "oci:") + path + tag.map(t -> ":" + t).orElse("");
    }
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with a message for people when it is not a location
   */
  static ImageLocation parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("image location is longer than " + MAX_LENGTH);
    }
    if (text.startsWith("docker://")) {
      String rest = text.substring("docker://".length());
      Reference ref;
      try {
        ref = ReferenceParser.docker().parse(rest);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "invalid image reference " + rest + ": " + e.getMessage());
      }
      int slash = rest.lastIndexOf('/');
      boolean explicit = rest.indexOf('@') >= 0 || rest.indexOf(':', slash + 1) >= 0;
      return new Docker(ref, explicit);
    }
    if (text.startsWith("oci:")) {
      return layout(text.substring("oci:".length()), false);
    }
    if (text.startsWith("oci-archive:")) {
      return layout(text.substring("oci-archive:".length()), true);
    }
    throw new IllegalArgumentException(
        "unknown transport in "
            + text
            + " (use docker://HOST/REPO:TAG, oci:DIR[:TAG] or oci-archive:FILE[:TAG])");
  }

  private static Layout layout(String rest, boolean archive) {
    int colon = rest.indexOf(':');
    String path = colon < 0 ? rest : rest.substring(0, colon);
    if (path.isEmpty() || path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("missing layout path in " + rest);
    }
    Optional<String> tag = Optional.empty();
    if (colon >= 0) {
      String t = rest.substring(colon + 1);
      if (t.isEmpty() || t.length() > 255 || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new IllegalArgumentException("invalid reference name '" + t + "' in " + rest);
      }
      tag = Optional.of(t);
    }
    return new Layout(Path.of(path), tag, archive);
  }
}
