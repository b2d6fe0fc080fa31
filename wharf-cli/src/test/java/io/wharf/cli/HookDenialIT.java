package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Platform;
import io.wharf.oci.model.layout.OciLayoutWriter;
import io.wharf.oci.server.Action;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.RegistryEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Denials by the engine's hooks as the real {@code skopeo} shows them: a Wharf started as {@code
 * wharf serve} starts it (Jetty, the single-node store), with an authorizer that makes {@code
 * mirror/} read-only and a gate that refuses to store, and to serve, quarantined manifests. skopeo
 * fails, and its error output carries the registry's reason.
 */
class HookDenialIT {

  static final String QUARANTINE = "com.example.quarantine";

  @TempDir static Path temp;

  private static WharfServer wharf;
  private static String host;
  private static final List<RegistryEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Tools.require("skopeo");
    wharf =
        WharfServer.start(
            ServerSettings.loopback(temp.resolve("wharf-data")),
            builder ->
                builder
                    .authorizer(
                        (identity, access) ->
                            access.action() == Action.PUSH
                                    && access
                                        .repository()
                                        .orElseThrow()
                                        .value()
                                        .startsWith("mirror/")
                                ? Decision.deny(
                                    "mirror/ is a read-only mirror of docker.io; push to team/"
                                        + " instead")
                                : Decision.allow())
                    .addGate(
                        admission -> {
                          String why = admission.manifest().parse().annotations().get(QUARANTINE);
                          if (why == null) {
                            return Decision.allow();
                          }
                          // Pushes are refused from "push"; pulls of what was let in before,
                          // always.
                          return admission.action() == Action.PULL || why.startsWith("push")
                              ? Decision.deny("image is quarantined: " + why)
                              : Decision.allow();
                        })
                    .addListener(events::add),
            handler -> handler);
    host = "127.0.0.1:" + wharf.port();
  }

  @AfterAll
  static void stop() {
    if (wharf != null) {
      wharf.close();
    }
  }

  private static Path layout(String name, Map<String, String> annotations) throws Exception {
    Path dir = temp.resolve(name);
    try (OciLayoutWriter out = OciLayoutWriter.toDirectory(dir)) {
      TestImages.tag(
          out,
          TestImages.image(out, Platform.of("linux", "amd64"), 2, name.hashCode(), annotations),
          "v1");
    }
    return dir;
  }

  @Test
  void aPushDeniedByTheAuthorizerShowsTheReasonInSkopeo() throws Exception {
    Path source = layout("plain", Map.of());
    Skopeo.Result r =
        Skopeo.fresh(temp)
            .tryRun(
                "copy",
                "--dest-tls-verify=false",
                "oci:" + source + ":v1",
                "docker://" + host + "/mirror/app:v1");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr())
        .contains("denied")
        .contains("mirror/ is a read-only mirror of docker.io; push to team/ instead");
    assertThat(events)
        .anyMatch(
            e ->
                e.kind() == RegistryEvent.Kind.DENIED
                    && e.repository().map(n -> n.value().equals("mirror/app")).orElse(false));
  }

  @Test
  void aPushDeniedByAGateShowsTheReasonInSkopeo() throws Exception {
    Path source = layout("quarantined-push", Map.of(QUARANTINE, "push: CVE-2024-3094 in xz-utils"));
    Skopeo skopeo = Skopeo.fresh(temp);
    Skopeo.Result r =
        skopeo.tryRun(
            "copy",
            "--dest-tls-verify=false",
            "oci:" + source + ":v1",
            "docker://" + host + "/team/bad:v1");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("image is quarantined: push: CVE-2024-3094 in xz-utils");
    Skopeo.Result inspect =
        skopeo.tryRun("inspect", "--tls-verify=false", "docker://" + host + "/team/bad:v1");
    assertThat(inspect.exitCode()).isNotZero();
    assertThat(inspect.stderr()).contains("manifest unknown");
  }

  @Test
  void aPullDeniedByAGateShowsTheReasonInSkopeo() throws Exception {
    Path source = layout("quarantined-later", Map.of(QUARANTINE, "found after the push"));
    Skopeo skopeo = Skopeo.fresh(temp);
    skopeo.run(
        "copy",
        "--dest-tls-verify=false",
        "oci:" + source + ":v1",
        "docker://" + host + "/team/later:v1");
    Skopeo.Result pull =
        skopeo.tryRun(
            "copy",
            "--src-tls-verify=false",
            "docker://" + host + "/team/later:v1",
            "oci:" + temp.resolve("pulled") + ":v1");
    assertThat(pull.exitCode()).isNotZero();
    assertThat(pull.stderr()).contains("image is quarantined: found after the push");
  }
}
