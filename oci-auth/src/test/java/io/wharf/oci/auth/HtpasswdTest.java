package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.model.testing.TestEnvironment;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HtpasswdTest {

  /** {@code alice:wonderland}, made with {@code htpasswd -nbB -C 4 alice wonderland}. */
  static final String ALICE = "alice:" + Bcrypt.hash("wonderland", 4);

  @TempDir Path dir;

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(HtpasswdTest.class.getResource("/fixtures/auth/htpasswd/" + name).toURI());
  }

  @ParameterizedTest
  @ValueSource(strings = {"notation-zot-htpasswd", "trivy-htpasswd"})
  void realFilesLetTheirUserIn(String name) throws Exception {
    Htpasswd users = Htpasswd.open(fixture(name));

    assertThat(users.users()).containsExactly("testuser");
    Verification ok = users.verify("testuser", "testpassword");
    assertThat(ok).isInstanceOf(Verification.Verified.class);
    var identity = ((Verification.Verified) ok).identity();
    assertThat(identity.name()).contains("testuser");
    assertThat(identity.attributes())
        .containsEntry("kind", "user")
        .containsEntry("source", "htpasswd");
    assertThat(users.verify("testuser", "testpassword2")).isInstanceOf(Verification.Rejected.class);
    assertThat(users.verify("nobody", "testpassword")).isInstanceOf(Verification.Unknown.class);
  }

  @Test
  void skipsCommentsAndBlankLinesAndReadsCrLf() throws Exception {
    Path file = write("# users\r\n\r\n   \n" + ALICE + "\r\n# end\n");
    Htpasswd users = Htpasswd.open(file);
    assertThat(users.users()).containsExactly("alice");
    assertThat(users.verify("alice", "wonderland")).isInstanceOf(Verification.Verified.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bob:$apr1$0Pk3Hh3P$Cl4mkNwOzrTBEUlDP/cEu/",
        "bob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
        "bob:rqXcs0fSUu5ws",
        "bob:$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g.",
        "bob:my-plain-secret"
      })
  void otherHashKindsAreRefusedNamingTheLineNotTheHash(String line) throws Exception {
    Path file = write(ALICE + "\n\n" + line + "\n");
    String hash = line.substring(4);

    assertThatThrownBy(() -> Htpasswd.open(file))
        .isInstanceOf(HtpasswdFormatException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("only bcrypt")
        .hasMessageNotContaining(hash)
        .extracting(e -> ((HtpasswdFormatException) e).line())
        .isEqualTo(3);
  }

  @Test
  void aUserNamedTwiceIsAnError() throws Exception {
    Path file = write(ALICE + "\n" + ALICE + "\n");
    assertThatThrownBy(() -> Htpasswd.open(file))
        .isInstanceOf(HtpasswdFormatException.class)
        .hasMessageContaining("line 2: the user of line 1 again");
  }

  @Test
  void boundsTheFileAndItsLines() throws Exception {
    Path longLine = write(ALICE + "\n#" + "x".repeat(2000) + "\n");
    assertThatThrownBy(() -> Htpasswd.open(longLine))
        .isInstanceOf(HtpasswdFormatException.class)
        .hasMessageContaining("line 2: the line is longer than 1024");

    Path huge = dir.resolve("huge");
    byte[] comment = ("#" + "x".repeat(1000) + "\n").getBytes(StandardCharsets.US_ASCII);
    try (var out = Files.newOutputStream(huge)) {
      for (long written = 0; written <= HtpasswdParser.MAX_FILE_SIZE; written += comment.length) {
        out.write(comment);
      }
    }
    assertThatThrownBy(() -> Htpasswd.open(huge))
        .isInstanceOf(HtpasswdFormatException.class)
        .hasMessageContaining("more than 16777216");

    Path latin1 = dir.resolve("latin1");
    Files.write(latin1, new byte[] {'j', (byte) 0xe9, ':', 'x'});
    assertThatThrownBy(() -> Htpasswd.open(latin1))
        .isInstanceOf(HtpasswdFormatException.class)
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void readsTheFileAgainWhenItChangesAtMostOncePerInterval() throws Exception {
    Path file = write(ALICE + "\n");
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    Htpasswd users =
        Htpasswd.builder(file).clock(clock).checkInterval(Duration.ofSeconds(5)).build();

    String bob = "bob:" + Bcrypt.hash("builder", 4);
    Files.writeString(file, ALICE + "\n" + bob + "\n");
    touch(file, 10);
    assertThat(users.users()).as("not checked before the interval").containsExactly("alice");

    clock.advance(Duration.ofSeconds(5));
    assertThat(users.users()).containsExactly("alice", "bob");
    assertThat(users.verify("bob", "builder")).isInstanceOf(Verification.Verified.class);

    Files.writeString(file, bob + "\nbroken line\n");
    touch(file, 20);
    clock.advance(Duration.ofSeconds(5));
    assertThat(users.users())
        .as("an invalid file keeps the old users")
        .containsExactly("alice", "bob");
    assertThat(users.verify("alice", "wonderland")).isInstanceOf(Verification.Verified.class);

    Files.writeString(file, bob + "\n");
    touch(file, 30);
    clock.advance(Duration.ofSeconds(5));
    assertThat(users.users()).containsExactly("bob");
    assertThat(users.verify("alice", "wonderland")).isInstanceOf(Verification.Unknown.class);
  }

  @Test
  void aFileMadeByApacheHtpasswdWorks() throws Exception {
    Path htpasswd = TestEnvironment.requireProgram("htpasswd");
    Path file = dir.resolve("made-by-htpasswd");
    Process p =
        new ProcessBuilder(
                htpasswd.toString(), "-B", "-b", "-c", file.toString(), "carol", "s3cr3t pass")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    Htpasswd users = Htpasswd.open(file);
    assertThat(users.verify("carol", "s3cr3t pass")).isInstanceOf(Verification.Verified.class);
    assertThat(users.verify("carol", "s3cr3t")).isInstanceOf(Verification.Rejected.class);
  }

  @Test
  void toStringShowsNoHash() throws Exception {
    Path file = write(ALICE + "\n");
    assertThat(Htpasswd.open(file).toString()).doesNotContain("$2y$").contains(file.toString());
  }

  @Test
  void aMissingFileIsAnIoException() {
    assertThatThrownBy(() -> Htpasswd.open(dir.resolve("absent"))).isInstanceOf(IOException.class);
  }

  @Test
  void theDummyHashHasTheCostMostUsersHave() {
    String h4 = Bcrypt.hash("a", 4);
    String h5 = Bcrypt.hash("b", 5);
    assertThat(Bcrypt.cost(Bcrypt.dummyFor(List.of(h4, h5, h5)))).isEqualTo(5);
    assertThat(Bcrypt.cost(Bcrypt.dummyFor(List.of(h4, h4, h5)))).isEqualTo(4);
    assertThat(Bcrypt.cost(Bcrypt.dummyFor(List.of()))).isEqualTo(Bcrypt.DEFAULT_COST);
  }

  private Path write(String content) throws IOException {
    Path file = Files.createTempFile(dir, "htpasswd", "");
    Files.writeString(file, content);
    return file;
  }

  /**
   * Sets a distinct modification time, so that a change is seen whatever the file system's time
   * resolution.
   */
  private static void touch(Path file, int seconds) throws IOException {
    Files.setLastModifiedTime(
        file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z").plusSeconds(seconds)));
  }
}
