package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.server.lifecycle.LifecycleJson;
import io.wharf.oci.server.lifecycle.RetentionReport;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.ManifestPut;
import io.wharf.oci.storage.RegistryStorage;
import io.wharf.oci.storage.local.LocalStorage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wharf retention} end to end: on a data folder holding four tags pushed days apart and a
 * rule that keeps the two most recently pushed (a dry run lists and deletes nothing, an apply
 * deletes the two oldest with their SBOM and fsck stays clean), with the rules of a wharf.yaml's
 * policies, on a running registry through its lifecycle endpoint, and the usage errors.
 */
class RetentionCommandTest {

  private static final RepositoryName APP = RepositoryName.of("library/app");
  private static final MediaType SBOM = MediaType.parse("application/vnd.example.sbom.v1+json");

  /** Harbor's "retain the most recently pushed 2 artifacts" for project library. */
  static final String KEEP_TWO =
      String.join(
          "\n",
          "version: 1",
          "projects:",
          "  library:",
          "    retention:",
          "      rules:",
          "        - name: latest-two",
          "          repositories: {include: [\"**\"]}",
          "          tags: {include: [\"**\"], untagged: true}",
          "          retain: {mostRecentlyPushed: 2}",
          "");

  @TempDir Path dir;
  private Path data;
  private Path policy;
  private RawManifest v1;
  private RawManifest v1Sbom;
  private RawManifest v2;
  private RawManifest v3;
  private RawManifest v4;

  @BeforeEach
  void folder() throws Exception {
    data = Files.createDirectories(dir.resolve("data"));
    policy = Files.writeString(dir.resolve("retention.yaml"), KEEP_TWO);
    Instant now = Instant.now();
    try (RegistryStorage storage = LocalStorage.open(data)) {
      v1 = push(storage, image(storage, "v1"), now.minus(Duration.ofDays(4)), "v1");
      v1Sbom = push(storage, sbom(storage, v1), now.minus(Duration.ofDays(4)));
      v2 = push(storage, image(storage, "v2"), now.minus(Duration.ofDays(3)), "v2");
      v3 = push(storage, image(storage, "v3"), now.minus(Duration.ofDays(2)), "v3");
      v4 = push(storage, image(storage, "v4"), now.minus(Duration.ofDays(1)), "v4", "latest");
    }
  }

  /** Stores {@code bytes} as a blob linked in the repository; its descriptor. */
  private static Descriptor blob(RegistryStorage storage, MediaType type, Bytes bytes)
      throws Exception {
    Descriptor d = Descriptor.of(type, bytes);
    try (InputStream in = bytes.openStream()) {
      storage.blobs().put(in, d.digest());
    }
    storage.metadata().linkBlob(APP, new BlobInfo(d.digest(), d.size()));
    return d;
  }

  private static RawManifest image(RegistryStorage storage, String seed) throws Exception {
    return ManifestCodec.defaults()
        .encode(
            ImageManifest.of(
                blob(
                    storage, MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{\"seed\":\"" + seed + "\"}")),
                List.of(blob(storage, MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("layer " + seed)))));
  }

  private static RawManifest sbom(RegistryStorage storage, RawManifest subject) throws Exception {
    blob(storage, MediaType.OCI_IMAGE_CONFIG, Bytes.utf8("{}")); // an artifact's empty config
    return ManifestCodec.defaults()
        .encode(
            ImageManifest.artifact(
                    SBOM,
                    List.of(blob(storage, MediaType.OCI_LAYER_TAR_GZIP, Bytes.utf8("an sbom"))))
                .withSubject(subject.descriptor()));
  }

  /** Stores {@code m} as pushed at {@code at} with {@code tags}. */
  private static RawManifest push(
      RegistryStorage storage, RawManifest m, Instant at, String... tags) throws Exception {
    Set<Tag> set = Arrays.stream(tags).map(Tag::of).collect(Collectors.toSet());
    storage.metadata().putManifest(APP, ManifestPut.of(m, set, at));
    return m;
  }

  private boolean stored(RawManifest m) throws Exception {
    try (RegistryStorage storage = LocalStorage.open(data)) {
      return storage.metadata().getManifest(APP, m.digest()).isPresent();
    }
  }

  @Test
  void aDryRunListsAndDeletesNothingAndAnApplyDeletesAndFsckStaysClean() throws Exception {
    WharfRun dry =
        WharfRun.of(
            "retention", "--dry-run", "--data", data.toString(), "--policy", policy.toString());
    assertThat(dry.status()).as(dry.err()).isZero();
    assertThat(dry.out())
        .startsWith(
            "retention (dry run) in 1 projects: would delete 2 of 4 artifacts and 1 referrers or children; ")
        .contains(
            "  would delete library/app@sha256:"
                + v1.digest().encoded().substring(0, 12)
                + " [v1]: ")
        .contains("    with " + v1Sbom.digest())
        .contains(
            "  would delete library/app@sha256:"
                + v2.digest().encoded().substring(0, 12)
                + " [v2]: ")
        .contains(
            "  kept library/app@sha256:"
                + v4.digest().encoded().substring(0, 12)
                + " [latest, v4]: ");
    for (RawManifest m : List.of(v1, v1Sbom, v2, v3, v4)) {
      assertThat(stored(m)).isTrue();
    }

    WharfRun json =
        WharfRun.of(
            "retention",
            "--dry-run",
            "--json",
            "--data",
            data.toString(),
            "--policy",
            policy.toString());
    assertThat(json.status()).as(json.err()).isZero();
    RetentionReport report = LifecycleJson.readRetentionReport(json.out());
    assertThat(report.dryRun()).isTrue();
    assertThat(report.deleted())
        .extracting(o -> o.artifact().digest())
        .containsExactlyInAnyOrder(v1.digest(), v2.digest());

    WharfRun applied =
        WharfRun.of(
            "retention", "--apply", "--data", data.toString(), "--policy", policy.toString());
    assertThat(applied.status()).as(applied.err()).isZero();
    assertThat(applied.out())
        .startsWith("retention (applied) in 1 projects: deleted 2 of 4 artifacts and 1 referrers")
        .contains("  deleted library/app@sha256:" + v1.digest().encoded().substring(0, 12));
    assertThat(stored(v1)).isFalse();
    assertThat(stored(v1Sbom)).isFalse();
    assertThat(stored(v2)).isFalse();
    assertThat(stored(v3)).isTrue();
    assertThat(stored(v4)).isTrue();

    WharfRun fsck = WharfRun.of("fsck", "--data", data.toString());
    assertThat(fsck.status()).as(fsck.out()).isZero();
    assertThat(fsck.out()).contains("no problems");
    // Nothing left to delete; the blobs of the deleted images are garbage collection's.
    WharfRun again =
        WharfRun.of(
            "retention", "--apply", "--data", data.toString(), "--policy", policy.toString());
    assertThat(again.out())
        .startsWith("retention (applied) in 1 projects: deleted 0 of 2 artifacts");
  }

  @Test
  void theRulesOfAConfigsPoliciesSectionAreUsed() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("wharf.yaml"),
            "data: ./data\npolicies:\n  inline:\n"
                + KEEP_TWO.lines().map(l -> "    " + l + "\n").reduce("", String::concat));
    WharfRun r = WharfRun.of("retention", "--apply", "--config", config.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("retention (applied) in 1 projects: deleted 2 of 4 artifacts");
    assertThat(stored(v2)).isFalse();

    Path none = Files.writeString(dir.resolve("none.yaml"), "data: ./data\n");
    WharfRun without = WharfRun.of("retention", "--dry-run", "--config", none.toString());
    assertThat(without.status()).isEqualTo(2);
    assertThat(without.err()).contains("has no policies section");
  }

  @Test
  void usageErrorsAndBadPoliciesAreStatusTwoAndDeleteNothing() throws Exception {
    String d = data.toString();
    String p = policy.toString();
    for (List<String> args :
        List.of(
            List.of("retention", "--data", d, "--policy", p),
            List.of("retention", "--dry-run", "--apply", "--data", d, "--policy", p),
            List.of("retention", "--apply", "--data", d),
            List.of("retention", "--apply", "--registry", "http://127.0.0.1:1", "--policy", p),
            List.of("retention", "--apply", "--data", d, "--registry", "http://127.0.0.1:1"),
            List.of("retention", "--apply", "--data", d, "--policy", p, "--creds", "a:b"),
            List.of("retention", "--apply", "--registry", "127.0.0.1:5000"))) {
      WharfRun r = WharfRun.of(args.toArray(String[]::new));
      assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
    }
    WharfRun neither = WharfRun.of("retention", "--data", d, "--policy", p);
    assertThat(neither.err())
        .startsWith("wharf retention: say --dry-run (report only) or --apply (delete)");

    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"), KEEP_TWO.replace("mostRecentlyPushed", "mostRecent"));
    WharfRun invalid = WharfRun.of("retention", "--apply", "--data", d, "--policy", bad.toString());
    assertThat(invalid.status()).isEqualTo(2);
    assertThat(invalid.err())
        .contains(
            "bad.yaml:9:20: projects.library.retention.rules[0].retain.mostRecent: unknown key")
        .contains("not valid: 2 errors");

    WharfRun missing =
        WharfRun.of(
            "retention", "--apply", "--data", dir.resolve("nothing").toString(), "--policy", p);
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("no data folder at");
    assertThat(stored(v1)).isTrue();
  }

  @Test
  void aRunningRegistryAppliesItsPoliciesForItsAdministratorOnly() throws Exception {
    Files.writeString(
        dir.resolve("users.htpasswd"),
        GcCommandTest.htpasswd("admin", "admin-pw")
            + "\n"
            + GcCommandTest.htpasswd("dev", "dev-pw")
            + "\n");
    Files.writeString(
        dir.resolve("wharf.yaml"),
        "auth:\n  htpasswd: users.htpasswd\n  admins: {users: [admin]}\n"
            + "policies:\n  files: [retention.yaml]\n");
    Files.writeString(dir.resolve("empty.json"), "{}");
    ServerSettings settings =
        WharfConfig.read(dir.resolve("wharf.yaml")).applyTo(ServerSettings.loopback(data));
    try (WharfServer server = WharfServer.start(settings)) {
      String url = "http://127.0.0.1:" + server.port();
      WharfRun anonymous =
          WharfRun.of(
              "retention",
              "--apply",
              "--registry",
              url,
              "--authfile",
              dir.resolve("empty.json").toString());
      assertThat(anonymous.status()).isEqualTo(1);
      assertThat(anonymous.err()).contains(": 401 UNAUTHORIZED: ");
      WharfRun dev =
          WharfRun.of("retention", "--apply", "--registry", url, "--creds", "dev:dev-pw");
      assertThat(dev.status()).isEqualTo(1);
      assertThat(dev.err()).contains(": 403 DENIED: dev is not a system administrator");
      WharfRun held =
          WharfRun.of(
              "retention", "--apply", "--data", data.toString(), "--policy", policy.toString());
      assertThat(held.status()).isEqualTo(1);
      assertThat(held.err()).contains("(is 'wharf serve' running on it? then use --registry URL)");

      WharfRun dry =
          WharfRun.of(
              "retention", "--dry-run", "--registry", url, "--creds", "admin:admin-pw", "--json");
      assertThat(dry.status()).as(dry.err()).isZero();
      assertThat(LifecycleJson.readRetentionReport(dry.out()).deleted())
          .extracting(o -> o.artifact().digest())
          .containsExactlyInAnyOrder(v1.digest(), v2.digest());

      WharfRun applied =
          WharfRun.of("retention", "--apply", "--registry", url + "/", "--creds", "admin:admin-pw");
      assertThat(applied.status()).as(applied.err()).isZero();
      assertThat(applied.out()).startsWith("retention (applied) in 1 projects: deleted 2 of 4");
      WharfRun after =
          WharfRun.of("retention", "--dry-run", "--registry", url, "--creds", "admin:admin-pw");
      assertThat(after.out()).startsWith("retention (dry run) in 1 projects: would delete 0 of 2");
    }
    assertThat(stored(v1)).isFalse();
    assertThat(stored(v2)).isFalse();
    assertThat(stored(v4)).isTrue();
  }
}
