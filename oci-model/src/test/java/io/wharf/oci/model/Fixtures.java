package io.wharf.oci.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real-world files under {@code src/test/resources/fixtures} (copied byte-exact; {@code
 * SOURCES.md} names their sources and licences), and the sha256 their sources list.
 */
public final class Fixtures {

  private static final Pattern TABLE_ROW =
      Pattern.compile("^\\| `([^`]+)` \\|.*\\| `([0-9a-f]{64})` \\|$", Pattern.MULTILINE);

  private static final Pattern DIRECTORY_HEADING =
      Pattern.compile("^### Directory `(manifests/[^`]+/)`$");
  private static final Pattern DIRECTORY_ROW =
      Pattern.compile("^\\| `([^`]+)` \\| [0-9]+ \\| `([0-9a-f]{64})` \\|$");

  private Fixtures() {}

  /** The folder of the fixtures. */
  public static Path root() {
    URL url = Fixtures.class.getResource("/fixtures/SOURCES.md");
    if (url == null) {
      throw new IllegalStateException("fixtures are missing from the test classpath");
    }
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The file at {@code relative} under the fixtures folder. */
  public static Path path(String relative) {
    return root().resolve(relative);
  }

  /** The bytes of the file at {@code relative}. */
  public static Bytes bytes(String relative) {
    try {
      return Bytes.of(Files.readAllBytes(path(relative)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The sha256 that SOURCES.md lists for each file, by path relative to the fixtures folder; for a
   * manifest, index or config this is its OCI digest.
   */
  public static Map<String, String> listedSha256() {
    String text = bytes("SOURCES.md").utf8();
    Map<String, String> result = new HashMap<>();
    Matcher m = TABLE_ROW.matcher(text);
    while (m.find()) {
      result.put(m.group(1), m.group(2));
    }
    // The layouts are listed per directory, with paths relative to it.
    String directory = null;
    for (String line : text.split("\n")) {
      Matcher heading = DIRECTORY_HEADING.matcher(line);
      if (heading.matches()) {
        directory = heading.group(1);
        continue;
      }
      if (line.startsWith("#")) {
        directory = null;
      }
      Matcher row = DIRECTORY_ROW.matcher(line);
      if (directory != null && row.matches()) {
        result.put(directory + row.group(1), row.group(2));
      }
    }
    return result;
  }
}
