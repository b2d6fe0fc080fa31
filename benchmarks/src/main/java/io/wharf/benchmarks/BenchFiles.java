package io.wharf.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Where the benchmarks keep their data and write their figures. */
final class BenchFiles {

  /** The system property naming the folder for benchmark data. */
  static final String DATA_PROPERTY = "wharf.bench.data";

  /** The system property naming the folder for result files. */
  static final String RESULTS_PROPERTY = "wharf.bench.results";

  private BenchFiles() {}

  /** A new, empty folder for one trial, named after {@code name}. */
  static Path newDataDirectory(String name) throws IOException {
    Path base = Path.of(System.getProperty(DATA_PROPERTY, "target/bench-data"));
    Files.createDirectories(base);
    return Files.createTempDirectory(base.toAbsolutePath(), name + "-");
  }

  /**
   * Writes {@code figures} as {@code key=value} lines to {@code <results>/<name>.properties},
   * replacing an older file.
   */
  static Path writeResults(String name, Map<String, ?> figures) throws IOException {
    Path dir = Path.of(System.getProperty(RESULTS_PROPERTY, "target/bench-results"));
    Files.createDirectories(dir);
    StringBuilder text = new StringBuilder();
    figures.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    Path file = dir.resolve(name + ".properties");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** Removes {@code dir} and everything below it; a missing folder is fine. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (NoSuchFileException e) {
                  // gone already
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
