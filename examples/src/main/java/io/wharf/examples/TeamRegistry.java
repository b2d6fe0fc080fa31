package io.wharf.examples;

import io.wharf.oci.auth.AuditLog;
import io.wharf.oci.auth.Htpasswd;
import io.wharf.oci.auth.ProjectSpec;
import io.wharf.oci.auth.RegistryAuth;
import io.wharf.oci.auth.RobotCredentials;
import io.wharf.oci.auth.SigningKey;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.jdk.RegistryServer;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registry for a team, with Harbor's access control from {@code oci-auth}: users from an htpasswd
 * file, the Docker token service at {@code /token}, project {@code team} where {@code alice} is
 * maintainer and {@code bob} guest, a robot account for CI, and the audit log's default place, the
 * data folder. {@code skopeo}, {@code podman} and {@code docker} log in as they do with Harbor.
 */
public final class TeamRegistry implements AutoCloseable {

  private final RegistryStorage storage;
  private final Registry registry;
  private final RegistryServer server;
  private final RegistryAuth auth;
  private final AuditLog audit;

  private TeamRegistry(
      RegistryStorage storage,
      Registry registry,
      RegistryServer server,
      RegistryAuth auth,
      AuditLog audit) {
    this.storage = storage;
    this.registry = registry;
    this.server = server;
    this.auth = auth;
    this.audit = audit;
  }

  /**
   * Starts the registry with its data in {@code data}, its users in {@code htpasswd}, on {@code
   * port} of the loopback interface.
   */
  public static TeamRegistry start(Path data, Path htpasswd, int port) throws IOException {
    RegistryStorage storage = LocalStorage.open(data);
    AuditLog audit = null;
    try {
      audit = AuditLog.builder(data).build();
      String realm = "http://127.0.0.1:" + port + RegistryAuth.TOKEN_PATH;
      RegistryAuth auth =
          RegistryAuth.builder(storage.metadata().access())
              .verifier(Htpasswd.open(htpasswd))
              .tokens(SigningKey.loadOrCreate(data), "team-registry", realm)
              .systemAdmins(Set.of("admin"))
              .auditLog(audit)
              .build();
      auth.projects()
          .seed(
              List.of(
                  new ProjectSpec(
                      "team",
                      false,
                      Map.of(
                          Principal.user("alice"), ProjectRole.MAINTAINER,
                          Principal.user("bob"), ProjectRole.GUEST))));
      Registry registry = auth.applyTo(Registry.builder(storage)).build();
      RegistryServer server = registry.listen(new InetSocketAddress("127.0.0.1", port));
      return new TeamRegistry(storage, registry, server, auth, audit);
    } catch (IOException | RuntimeException e) {
      if (audit != null) {
        audit.close();
      }
      storage.close();
      throw e;
    }
  }

  /** A robot account that may push to and pull from project {@code team}: its secret, once. */
  public RobotCredentials createCiRobot() throws IOException {
    return auth.robots()
        .create(
            "ci",
            List.of(new RobotPermission("team", Set.of(RobotAction.PULL, RobotAction.PUSH))),
            "pushes the team's images");
  }

  /** The registry's base URL. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.port() + "/");
  }

  /** Stops the server, then the registry, then the audit log, then the storage. */
  @Override
  public void close() throws IOException {
    server.close();
    registry.close();
    audit.close();
    storage.close();
  }
}
