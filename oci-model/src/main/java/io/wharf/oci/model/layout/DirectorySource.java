package io.wharf.oci.model.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** A layout in a directory. No path ever resolves outside of it, through links or otherwise. */
final class DirectorySource implements LayoutSource {

  private final Path root;

  DirectorySource(Path root) throws IOException {
    this.root = root.toRealPath();
  }

  private Path resolve(String path) throws IOException {
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root)) {
      throw new IOException("path '" + path + "' leaves the layout directory");
    }
    Path parent = p.getParent();
    if (parent != null && Files.exists(parent) && !parent.toRealPath().startsWith(root)) {
      throw new IOException("path '" + path + "' leaves the layout directory through a link");
    }
    return p;
  }

  @Override
  public OptionalLong size(String path) throws IOException {
    Path p = resolve(path);
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attrs.isRegularFile() ? OptionalLong.of(attrs.size()) : OptionalLong.empty();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public InputStream open(String path) throws IOException {
    Path p = resolve(path);
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(p.toString(), null, "not a regular file in the layout");
    }
    return Files.newInputStream(p);
  }

  @Override
  public Set<String> list(String prefix) throws IOException {
    Path dir = resolve(prefix);
    Set<String> result = new TreeSet<>();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return result;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .forEach(p -> result.add(root.relativize(p).toString().replace('\\', '/')));
    }
    return result;
  }

  @Override
  public String describe() {
    return "directory " + root;
  }

  @Override
  public void close() {}
}
