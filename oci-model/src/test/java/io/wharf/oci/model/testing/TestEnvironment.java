package io.wharf.oci.model.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine it runs on (a program, a service, a file-system feature), and
 * the one rule for when it is missing: the test is skipped on a developer's machine and fails under
 * CI, so that a CI run never passes by skipping. CI is {@code CI=true} (in any case) or {@code
 * CI=1}, as CI services set it; {@code scripts/test-services.sh} installs what the tests need.
 */
public final class TestEnvironment {

  private TestEnvironment() {}

  /** Whether the tests run under CI: {@code CI} is {@code true} in any case, or {@code 1}. */
  public static boolean underCi() {
    return underCi(System.getenv("CI"));
  }

  /** Whether {@code value}, the {@code CI} variable's, means CI. */
  static boolean underCi(String value) {
    if (value == null) {
      return false;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("true") || v.equals("1");
  }

  /**
   * Skips the test (fails it under CI) with {@code message} unless {@code available}.
   *
   * @throws IllegalStateException under CI when not available
   */
  public static void require(boolean available, String message) {
    if (!available) {
      missing(message);
    }
  }

  /**
   * Skips the test, or fails it under CI, because of {@code message}; never returns normally (the
   * return type lets it stand where a value is expected).
   */
  public static <T> T missing(String message) {
    if (underCi()) {
      throw new IllegalStateException(message + " (required under CI)");
    }
    return Assumptions.abort(message);
  }

  /** The program {@code name} on the PATH, if any. */
  public static Optional<Path> findProgram(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The program {@code name} on the PATH, else the first executable of {@code fallbacks}; without
   * one the test is skipped, or fails under CI.
   */
  public static Path requireProgram(String name, String... fallbacks) {
    Optional<Path> found = findProgram(name);
    if (found.isPresent()) {
      return found.get();
    }
    for (String f : fallbacks) {
      Path p = Path.of(f);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p;
      }
    }
    return missing(
        name
            + " is not installed (scripts/test-services.sh installs it: apt-get install "
            + name
            + ")");
  }
}
