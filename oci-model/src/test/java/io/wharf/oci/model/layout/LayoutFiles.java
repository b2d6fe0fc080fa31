package io.wharf.oci.model.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Test helpers: fixture layouts, file trees, and GNU tar. */
final class LayoutFiles {

  static final String GGCR = "ggcr-test_index";
  static final String REGCLIENT = "regclient-testrepo";

  private LayoutFiles() {}

  /** A fixture layout directory, from the test classpath. */
  static Path fixture(String name) {
    URL url = LayoutFiles.class.getResource("/fixtures/manifests/oci-layout/" + name);
    if (url == null) {
      throw new IllegalStateException("no fixture layout " + name + " on the classpath");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every entry under {@code root} by relative path ('/'-separated): regular files map to their
   * bytes; anything else that is not a directory (a link, say) maps to a marker, so that it shows
   * as a difference.
   */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> result = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (p.equals(root) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String rel = root.relativize(p).toString().replace(File.separatorChar, '/');
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          // ISO-8859-1 maps every byte to one char: a lossless, comparable form with readable
          // diffs.
          result.put(rel, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
        } else {
          result.put(rel, "<not a regular file>");
        }
      }
    }
    return result;
  }

  /** Asserts that {@code actual} holds exactly the files of {@code expected}, byte for byte. */
  static void assertSameTree(Path expected, Path actual) throws IOException {
    Map<String, String> want = tree(expected);
    Map<String, String> got = tree(actual);
    assertThat(got.keySet()).as("files under %s", actual).isEqualTo(want.keySet());
    for (Map.Entry<String, String> e : want.entrySet()) {
      assertThat(got.get(e.getKey())).as("content of %s", e.getKey()).isEqualTo(e.getValue());
    }
  }

  /** Regular files under {@code dir}, relative to it; empty when there is no such directory. */
  static List<String> regularFiles(Path dir) throws IOException {
    List<String> result = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return result;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .forEach(p -> result.add(dir.relativize(p).toString()));
    }
    return result;
  }

  /** Copies the tree {@code from} to {@code to}, which must not exist. */
  static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  /** Deletes a tree, quietly. */
  static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(LayoutFiles::deleteQuietly);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a process printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {}

  /** Runs {@code command} in {@code dir}, with a time limit; fails the test on a timeout. */
  static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectInput(devNull()).start();
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(process.exitValue(), stdout.join(), stderr.join());
  }

  private static File devNull() {
    return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
