package io.wharf.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real programs the interop tests run ({@code skopeo}, {@code docker-registry}). Without
 * one, a test is skipped, except under CI ({@code CI=true}), where it fails: a CI run must never
 * pass by skipping them. {@code scripts/test-services.sh} installs them.
 */
final class Tools {

  private Tools() {}

  /** The program {@code name} on the PATH (or at {@code fallback}), or a skipped/failed test. */
  static Path require(String name, String... fallbacks) {
    Optional<Path> found = find(name);
    if (found.isEmpty()) {
      for (String f : fallbacks) {
        Path p = Path.of(f);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
      String message =
          name
              + " is not installed (scripts/test-services.sh installs it: apt-get install "
              + name
              + ")";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message);
      }
      Assumptions.abort(message);
    }
    return found.get();
  }

  private static Optional<Path> find(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
