package io.wharf.oci.client.testsupport;

import static io.wharf.oci.client.testsupport.RegistryHttp.basic;
import static io.wharf.oci.client.testsupport.RegistryHttp.challenge;
import static io.wharf.oci.client.testsupport.RegistryHttp.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code docker-registry} with htpasswd Basic auth, and the process wrapper itself. */
class DockerRegistryHtpasswdIT {

  @TempDir Path temp;

  @BeforeAll
  static void requireRegistry() {
    DockerRegistryProcess.requireAvailable();
  }

  static Path htpasswdFixture() throws URISyntaxException {
    return Path.of(
        DockerRegistryHtpasswdIT.class
            .getResource("/fixtures/auth/htpasswd/trivy-htpasswd")
            .toURI());
  }

  @Test
  void basicAuthWithTheTrivyFixture() throws Exception {
    try (DockerRegistryProcess registry =
        DockerRegistryProcess.start(
            DockerRegistryProcess.Auth.htpasswd(htpasswdFixture(), "wharf-test-realm"))) {
      URI v2 = registry.baseUri().resolve("/v2/");
      HttpResponse<String> anonymous = get(v2, Optional.empty());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(challenge(anonymous))
          .containsEntry("scheme", "Basic")
          .containsEntry("realm", "wharf-test-realm");

      assertThat(get(v2, Optional.of(basic("testuser", "wrongpassword"))).statusCode())
          .isEqualTo(401);
      assertThat(get(v2, Optional.of(basic("testuser", "testpassword"))).statusCode())
          .isEqualTo(200);

      byte[] blob = "pushed with Basic auth\n".getBytes(StandardCharsets.UTF_8);
      assertThat(RegistryHttp.pushBlob(registry.baseUri(), "basic/app", blob, Optional.empty()))
          .isEqualTo(401);
      assertThat(
              RegistryHttp.pushBlob(
                  registry.baseUri(),
                  "basic/app",
                  blob,
                  Optional.of(basic("testuser", "testpassword"))))
          .isEqualTo(201);
    }
  }

  @Test
  void headersExtraYamlLogAndCleanShutdown() throws Exception {
    DockerRegistryProcess registry =
        DockerRegistryProcess.builder()
            .httpHeader("X-Wharf-Test", "yes")
            .extraYaml("health:\n  storagedriver:\n    enabled: false\n")
            .start();
    Path dir;
    try (registry) {
      dir = registry.directory();
      assertThat(registry.isAlive()).isTrue();
      HttpResponse<String> r = get(registry.baseUri().resolve("/v2/"), Optional.empty());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Wharf-Test")).contains("yes");
      assertThat(Files.readString(dir.resolve("config.yml"))).contains("level: error");
      assertThat(registry.logFile()).exists();
      // level error: a 404 is not logged, the log stays readable and small
      get(registry.baseUri().resolve("/v2/none/blobs/sha256:" + "0".repeat(64)), Optional.empty());
      assertThat(registry.log()).hasSizeLessThan(64 * 1024);
    }
    assertThat(registry.isAlive()).isFalse();
    assertThat(dir).doesNotExist();
  }

  @Test
  void aBadConfigFailsWithTheLog() {
    assertThatThrownBy(
            () -> DockerRegistryProcess.builder().extraYaml("this is: [not valid yaml").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("docker-registry exited");
  }

  @Test
  void aMissingProgramIsAClearError() {
    assertThatThrownBy(
            () ->
                DockerRegistryProcess.builder().executable(temp.resolve("no-such-program")).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not an executable program");
  }
}
