package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.auth.RobotCredentials;
import io.wharf.oci.auth.StaticUsers;
import io.wharf.oci.client.BlobSource;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TeamRegistry} through the client's token handshake: roles, a robot, the audit log. */
class TeamRegistryTest {

  @TempDir Path dir;
  private TeamRegistry registry;
  private Repository repo;

  @BeforeEach
  void start() throws Exception {
    Path users = dir.resolve("users.htpasswd");
    Files.writeString(
        users,
        "alice:"
            + StaticUsers.hash("alice-pw", 4)
            + "\nbob:"
            + StaticUsers.hash("bob-pw", 4)
            + "\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    registry = TeamRegistry.start(dir.resolve("data"), users, port);
    repo =
        new Repository(
            new RegistryHost(registry.uri().getAuthority()), RepositoryName.of("team/app"));
  }

  @AfterEach
  void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private static RegistryClient as(String user, String password) {
    return RegistryClient.builder()
        .credentials(CredentialProvider.of(Credential.basic(user, password)))
        .build();
  }

  @Test
  void maintainerPushesGuestReadsRobotPushes() throws Exception {
    Bytes blob = Bytes.utf8("team layer");
    Digest digest = Digest.sha256(blob);
    try (RegistryClient alice = as("alice", "alice-pw")) {
      alice.pushBlob(repo, digest, BlobSource.of(blob));
    }
    try (RegistryClient bob = as("bob", "bob-pw")) {
      assertThat(bob.statBlob(repo, digest)).hasValue(blob.size());
      Bytes other = Bytes.utf8("bob's layer");
      assertThatThrownBy(() -> bob.pushBlob(repo, Digest.sha256(other), BlobSource.of(other)))
          .isInstanceOfSatisfying(
              RegistryClientException.class, e -> assertThat(e.status()).isIn(401, 403));
    }
    RobotCredentials ci = registry.createCiRobot();
    Bytes built = Bytes.utf8("built by CI");
    try (RegistryClient robot = as(ci.username(), ci.secret())) {
      robot.pushBlob(repo, Digest.sha256(built), BlobSource.of(built));
    }
    registry.close();
    registry = null;
    String audit = Files.readString(dir.resolve("data").resolve("audit.log"));
    assertThat(audit).contains("\"TOKEN_ISSUED\"", "\"BLOB_PUSHED\"", "robot$ci");
    assertThat(audit).doesNotContain("alice-pw", ci.secret());
  }
}
