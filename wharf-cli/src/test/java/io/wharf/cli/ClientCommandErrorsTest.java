package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one line a client command prints when it fails names the repository it was given, not only
 * the registry's host: against a running Wharf that lacks it, and against a port nobody listens on.
 */
class ClientCommandErrorsTest {

  @TempDir static Path dir;

  private static WharfServer server;
  private static String host;

  @BeforeAll
  static void start() throws IOException {
    server = WharfServer.start(ServerSettings.loopback(dir.resolve("data")));
    host = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static WharfRun run(String... args) {
    return WharfRun.of(args);
  }

  @Test
  void end8a_tagsOfAnUnknownRepositoryNameTheRepository() {
    WharfRun r = run("tags", "docker://" + host + "/no/such");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("wharf tags: list tags of " + host + "/no/such: ")
        .contains("NAME_UNKNOWN")
        .hasLineCount(1);
  }

  @Test
  void end3_inspectAndDeleteOfAnUnknownManifestNameTheRepository() {
    WharfRun inspect = run("inspect", "docker://" + host + "/no/such:v1");
    assertThat(inspect.status()).isEqualTo(1);
    assertThat(inspect.err())
        .startsWith("wharf inspect: get manifest " + host + "/no/such:v1: ")
        .contains("MANIFEST_UNKNOWN")
        .hasLineCount(1);
    WharfRun delete = run("delete", "docker://" + host + "/no/such:v1");
    assertThat(delete.status()).isEqualTo(1);
    assertThat(delete.err())
        .isEqualTo("wharf delete: no manifest " + host + "/no/such:v1 to delete\n");
    WharfRun copy = run("copy", "docker://" + host + "/no/such:v1", "oci:" + dir.resolve("out"));
    assertThat(copy.status()).isEqualTo(1);
    assertThat(copy.err())
        .startsWith("wharf copy: cannot read docker://" + host + "/no/such:v1: ")
        .hasLineCount(1);
  }

  @Test
  void aRefusedConnectionNamesTheRepositoryToo() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String repo = "docker://127.0.0.1:" + closed + "/no/such";
    // The client retries a refused connection for about two seconds: two commands suffice, as
    // every client command shares the naming (ClientCommand), and copy names its source itself.
    for (String[] args :
        List.of(new String[] {"tags", repo}, new String[] {"delete", repo + ":v1"})) {
      WharfRun r = run(args);
      assertThat(r.status()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).as(args[0]).contains(repo).hasLineCount(1);
    }
  }
}
