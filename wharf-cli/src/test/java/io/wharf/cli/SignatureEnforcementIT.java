package io.wharf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Platform;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.layout.OciLayoutWriter;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.testing.CosignTestSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures enforced at pull on {@code wharf serve}, end to end with skopeo. Images are pushed
 * with skopeo, and so are their cosign signatures: made by a key of the test in cosign's exact
 * format (the simple-signing payload, the go-containerregistry config, the {@code
 * dev.cosignproject.cosign/signature} annotation), at cosign's {@code sha256-<hex>.sig} tag or as
 * an OCI 1.1 referrer, with skopeo keeping their digests. A signature-required rule lets the signed
 * image be pulled and refuses the unsigned one, one signed by another key and one whose signature
 * is over another digest, each 403 with its reason. Notation's own signed layouts (the e2e suite of
 * notaryproject/notation) are copied in with {@code wharf copy --referrers} and are served or
 * refused as Notation's strict trust policy says: valid, invalid (integrity), expired (expiry),
 * signed by a certificate that has expired (authentic timestamp).
 */
class SignatureEnforcementIT {

  private static final String LAYOUTS = "/fixtures/notation/oci-layouts/";
  private static final String CERTS = "/fixtures/notation/certs/";

  private static final String POLICY =
      """
      version: 1
      rules:
        - name: signed
          match: {projects: [signed]}
          signatures:
            cosign:
              keys: [{file: keys/cosign.pub}]
        - name: notarised
          match: {projects: [notary]}
          signatures:
            notation:
              trustPolicy: trustpolicy.json
              trustStores: {"ca:e2e": [e2e.crt]}
        - name: notarised-long-ago
          match: {projects: [notary-old]}
          signatures:
            notation:
              trustPolicy: trustpolicy.json
              trustStores: {"ca:e2e": [expired_e2e.crt]}
      """;

  @TempDir static Path temp;

  private static WharfServer wharf;
  private static String host;
  private static CosignTestSigner key;
  private static CosignTestSigner otherKey;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("skopeo");
    key = CosignTestSigner.generate();
    otherKey = CosignTestSigner.generate();
    Path policies = Files.createDirectories(temp.resolve("policies"));
    Files.createDirectories(policies.resolve("keys"));
    Files.writeString(policies.resolve("keys/cosign.pub"), key.publicKeyPem());
    for (String file : new String[] {"e2e.crt", "expired_e2e.crt"}) {
      Layouts.copyResource(CERTS + file, policies.resolve(file));
    }
    Layouts.copyResource(
        "/fixtures/notation/trustpolicies/trustpolicy.json", policies.resolve("trustpolicy.json"));
    Files.writeString(policies.resolve("policy.yaml"), POLICY);
    Path config = temp.resolve("wharf.yaml");
    Files.writeString(config, "policies:\n  files: [policies/policy.yaml]\n  watch: false\n");
    wharf =
        WharfServer.start(
            WharfConfig.read(config).applyTo(ServerSettings.loopback(temp.resolve("data"))));
    host = "127.0.0.1:" + wharf.port();
  }

  @AfterAll
  static void stop() {
    if (wharf != null) {
      wharf.close();
    }
  }

  @Test
  void aSignatureAtTheSigTagLetsTheImageBePulled() throws Exception {
    TestImages.Image image = pushImage("signed/tagged", 1);
    assertRefused("signed/tagged:v1", "no signature by key cosign.pub");

    CosignTestSigner.Signed signed = key.sign(host + "/signed/tagged", image.descriptor());
    pushSignature(signed, signed.manifest(), signed.config(), "signed/tagged", signed.tag());

    assertPulled("signed/tagged:v1");
    assertPulled("signed/tagged@" + image.descriptor().digest());
  }

  @Test
  void aSignatureAsAReferrerCountsToo() throws Exception {
    TestImages.Image image = pushImage("signed/referred", 2);
    CosignTestSigner.Signed signed = key.sign(host + "/signed/referred", image.descriptor());
    pushSignature(
        signed, signed.referrer(), signed.referrerConfig(), "signed/referred", "cosign-referrer");

    assertPulled("signed/referred:v1");
  }

  @Test
  void aSignedMultiPlatformIndexIsPulledWithAllItsPlatforms() throws Exception {
    Path layout = temp.resolve("layout-index");
    TestImages.Image index;
    try (OciLayoutWriter out = OciLayoutWriter.toDirectory(layout)) {
      index =
          TestImages.index(
              out, List.of(Platform.of("linux", "amd64"), Platform.of("linux", "arm64")), 6);
      TestImages.tag(out, index, "v1");
    }
    for (String repository : List.of("signed/multi", "signed/multi-unsigned")) {
      Skopeo.fresh(temp)
          .run(
              "copy",
              "--all",
              "--dest-tls-verify=false",
              "oci:" + layout + ":v1",
              "docker://" + host + "/" + repository + ":v1");
    }
    CosignTestSigner.Signed signed = key.sign(host + "/signed/multi", index.descriptor());
    pushSignature(signed, signed.manifest(), signed.config(), "signed/multi", signed.tag());

    Path into = Files.createTempDirectory(temp, "pulled");
    Skopeo.Result all =
        Skopeo.fresh(temp)
            .tryRun(
                "copy",
                "--all",
                "--src-tls-verify=false",
                "docker://" + host + "/signed/multi:v1",
                "oci:" + into + ":x");
    assertThat(all.exitCode()).as(all.stderr()).isZero();
    assertThat(Layouts.find(into, "x").digest()).isEqualTo(index.descriptor().digest());
    assertRefused("signed/multi-unsigned:v1", "no signature by key cosign.pub");
  }

  @Test
  void anImageSignedByAnotherKeyIsRefusedWithTheReason() throws Exception {
    TestImages.Image image = pushImage("signed/other-key", 3);
    CosignTestSigner.Signed signed = otherKey.sign(host + "/signed/other-key", image.descriptor());
    pushSignature(signed, signed.manifest(), signed.config(), "signed/other-key", signed.tag());

    assertRefused("signed/other-key:v1", "the signature does not verify with key cosign.pub");
  }

  @Test
  void aSignatureOverAnotherDigestIsRefusedWithTheReason() throws Exception {
    TestImages.Image image = pushImage("signed/other-digest", 4);
    TestImages.Image elsewhere = pushImage("signed/elsewhere", 5);
    CosignTestSigner.Signed signed =
        key.sign(
            host + "/signed/other-digest", image.descriptor(), elsewhere.descriptor().digest());
    pushSignature(signed, signed.manifest(), signed.config(), "signed/other-digest", signed.tag());

    assertRefused("signed/other-digest:v1", "signature does not match the manifest digest");
  }

  @Test
  void notationSignaturesAreVerifiedAsTheStrictTrustPolicySays() throws Exception {
    copyNotationLayout("e2e-valid-signature", "notary/valid");
    copyNotationLayout("e2e-invalid-signature", "notary/invalid");
    copyNotationLayout("e2e-expired-signature", "notary/expired");
    copyNotationLayout("e2e-with-expired-cert", "notary-old/expired-cert");

    assertInspected("notary/valid:v1");
    assertRefusedInspect("notary/invalid:v1", "integrity");
    assertRefusedInspect("notary/expired:v1", "expiry");
    assertRefusedInspect("notary-old/expired-cert:v1", "authenticTimestamp");
  }

  /**
   * containers/image's policy.json on wharf serve (policies.containersPolicy, with the registry's
   * name): its scope for cpolicy/ requires a sigstore signature by the key, its default lets the
   * rest through. Signatures name the registry as clients do (registry.test), not the address.
   */
  @Test
  void aContainersPolicyJsonGatesPullsForItsScope() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("containers"));
    Files.writeString(dir.resolve("cosign.pub"), key.publicKeyPem());
    Files.writeString(
        dir.resolve("policy.json"),
        """
        {"default": [{"type": "insecureAcceptAnything"}],
         "transports": {"docker": {"registry.test/cpolicy": [
           {"type": "sigstoreSigned", "keyPath": "%s"}]}}}
        """
            .formatted(dir.resolve("cosign.pub")));
    Path config =
        Files.writeString(
            dir.resolve("wharf.yaml"),
            "policies:\n  containersPolicy: policy.json\n  registryName: registry.test\n"
                + "  watch: false\n");
    try (WharfServer gated =
        WharfServer.start(
            WharfConfig.read(config).applyTo(ServerSettings.loopback(dir.resolve("data"))))) {
      String at = "127.0.0.1:" + gated.port();
      TestImages.Image signedImage = pushImage(at, "cpolicy/signed", 11);
      CosignTestSigner.Signed signed =
          key.sign("registry.test/cpolicy/signed", signedImage.descriptor());
      pushSignature(at, signed, signed.manifest(), signed.config(), "cpolicy/signed", signed.tag());
      TestImages.Image otherImage = pushImage(at, "cpolicy/other-key", 12);
      CosignTestSigner.Signed byOther =
          otherKey.sign("registry.test/cpolicy/other-key", otherImage.descriptor());
      pushSignature(
          at, byOther, byOther.manifest(), byOther.config(), "cpolicy/other-key", byOther.tag());
      pushImage(at, "cpolicy/unsigned", 13);
      pushImage(at, "open/app", 14);

      assertPulledFrom(at, "cpolicy/signed:v1");
      assertPulledFrom(at, "open/app:v1");
      for (String refused : List.of("cpolicy/unsigned:v1", "cpolicy/other-key:v1")) {
        Skopeo.Result result = Skopeo.pull(temp, at + "/" + refused);
        assertThat(result.exitCode()).as("pull of %s", refused).isNotZero();
        assertThat(result.stderr()).contains("denied").contains("cosign.pub");
      }
    }
  }

  private static TestImages.Image pushImage(String repository, long seed) throws Exception {
    return pushImage(host, repository, seed);
  }

  private static TestImages.Image pushImage(String host, String repository, long seed)
      throws Exception {
    Path layout = temp.resolve("layout-" + repository.replace('/', '-'));
    TestImages.Image image = TestImages.multiLayerLayout(layout, "v1", seed);
    Skopeo.fresh(temp)
        .run(
            "copy",
            "--dest-tls-verify=false",
            "oci:" + layout + ":v1",
            "docker://" + host + "/" + repository + ":v1");
    return image;
  }

  private static void pushSignature(
      CosignTestSigner.Signed signed,
      RawManifest manifest,
      CosignTestSigner.Blob config,
      String repository,
      String tag)
      throws Exception {
    pushSignature(host, signed, manifest, config, repository, tag);
  }

  /** Pushes a signature manifest with skopeo, digests kept, from a layout holding it. */
  private static void pushSignature(
      String host,
      CosignTestSigner.Signed signed,
      RawManifest manifest,
      CosignTestSigner.Blob config,
      String repository,
      String tag)
      throws Exception {
    Path layout = Files.createTempDirectory(temp, "signature");
    try (OciLayoutWriter out = OciLayoutWriter.toDirectory(layout)) {
      out.writeBlob(config.mediaType(), config.content());
      for (CosignTestSigner.Signature signature : signed.signatures()) {
        out.writeBlob(signature.layer().mediaType(), signature.layer().content());
      }
      out.add(out.writeManifest(manifest), Tag.of("sig"));
    }
    Skopeo.fresh(temp)
        .run(
            "copy",
            "--preserve-digests",
            "--dest-tls-verify=false",
            "oci:" + layout + ":sig",
            "docker://" + host + "/" + repository + ":" + tag);
  }

  private static void copyNotationLayout(String name, String repository) throws Exception {
    Path layout = Layouts.copyResource(LAYOUTS + name, temp.resolve(name));
    WharfRun run =
        WharfRun.of(
            "copy",
            "--referrers",
            "oci:" + layout + ":v1",
            "docker://" + host + "/" + repository + ":v1");
    assertThat(run.status()).as(run.err()).isZero();
  }

  private static Skopeo.Result pull(String source) throws Exception {
    return Skopeo.pull(temp, host + "/" + source);
  }

  private static void assertPulledFrom(String host, String source) throws Exception {
    Skopeo.Result result = Skopeo.pull(temp, host + "/" + source);
    assertThat(result.exitCode()).as("pull of %s: %s", source, result.stderr()).isZero();
  }

  private static Skopeo.Result inspect(String source) throws Exception {
    return Skopeo.fresh(temp)
        .tryRun("inspect", "--raw", "--tls-verify=false", "docker://" + host + "/" + source);
  }

  private static void assertPulled(String source) throws Exception {
    assertPulledFrom(host, source);
  }

  private static void assertRefused(String source, String reason) throws Exception {
    Skopeo.Result result = pull(source);
    assertThat(result.exitCode()).as("pull of %s", source).isNotZero();
    assertThat(result.stderr()).contains("denied").contains(reason);
  }

  private static void assertInspected(String source) throws Exception {
    Skopeo.Result result = inspect(source);
    assertThat(result.exitCode()).as("inspect of %s: %s", source, result.stderr()).isZero();
  }

  private static void assertRefusedInspect(String source, String reason) throws Exception {
    Skopeo.Result result = inspect(source);
    assertThat(result.exitCode()).as("inspect of %s", source).isNotZero();
    assertThat(result.stderr()).contains("denied").contains(reason);
  }
}
