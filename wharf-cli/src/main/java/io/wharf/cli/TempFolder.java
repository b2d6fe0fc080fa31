package io.wharf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A temporary folder that {@link #close()} deletes with everything in it. */
final class TempFolder implements AutoCloseable {

  private final Path path;

  private TempFolder(Path path) {
    this.path = path;
  }

  /** A new folder in the system's temporary folder, named {@code prefix} and a random part. */
  static TempFolder create(String prefix) throws IOException {
    return new TempFolder(Files.createTempDirectory(prefix));
  }

  /** The folder. */
  Path path() {
    return path;
  }

  /** Deletes the folder and its content. */
  @Override
  public void close() throws IOException {
    List<Path> all;
    try (Stream<Path> paths = Files.walk(path)) {
      all = paths.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}
