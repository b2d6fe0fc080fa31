package io.wharf.cli;

import io.wharf.oci.model.testing.TestEnvironment;
import java.nio.file.Path;

/**
 * Finds the real programs the interop tests run ({@code skopeo}, {@code docker-registry}). Without
 * one, a test is skipped, except under CI, where it fails: a CI run must never pass by skipping
 * them ({@link TestEnvironment}). {@code scripts/test-services.sh} installs them.
 */
final class Tools {

  private Tools() {}

  /** The program {@code name} on the PATH (or at {@code fallback}), or a skipped/failed test. */
  static Path require(String name, String... fallbacks) {
    return TestEnvironment.requireProgram(name, fallbacks);
  }
}
