package io.wharf.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.testing.CosignTestSigner;
import io.wharf.oci.server.testing.RegistryExtension;
import io.wharf.oci.verify.ImageVerifier;
import io.wharf.oci.verify.testing.TestRegistryContent;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AdmissionWebhook} over HTTPS (a self-signed certificate made here), in front of an
 * in-process registry that serves the images of Kubewarden's real admission requests (ghcr.io and
 * Docker Hub names mapped to it), signed with a cosign key of the test as Kubewarden's test images
 * are ("signed" ones signed, "unsigned" ones not), under a policy that requires that key's
 * signature: each request answered as its images deserve, every workload kind, and malformed
 * reviews refused with 400, never 500.
 */
class AdmissionWebhookTest {

  private static final String UID = "1299d386-525b-4032-98ae-1949f69f9cfc";
  private static final String SIGNED = "ghcr.io/kubewarden/test-verify-image-signatures:signed";
  private static final String UNSIGNED = "ghcr.io/kubewarden/test-verify-image-signatures:unsigned";

  /**
   * Kubewarden's verify-image-signatures settings, as a Wharf policy: every image needs a cosign
   * signature by the key in cosign.pub (written beside it by the test).
   */
  private static final String POLICY =
      """
      version: 1
      rules:
        - name: signed
          signatures:
            cosign:
              keys: [{file: cosign.pub}]
      """;

  private static final String NO_SIGNATURE = ": no signature by key cosign.pub";

  @RegisterExtension static final RegistryExtension registry = RegistryExtension.inMemory();

  @TempDir static Path temp;

  private static RegistryClient client;
  private static AdmissionWebhook webhook;
  private static HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start(URI uri) throws Exception {
    client = RegistryClient.builder().build();
    RegistryHost host = new RegistryHost(uri.getAuthority());
    TestRegistryContent content = TestRegistryContent.at(client, host);
    CosignTestSigner key = CosignTestSigner.generate();
    String kubewarden = "kubewarden/test-verify-image-signatures";
    // Signed as cosign signs the names the pods use (the .sig tag and a referrer both count).
    content.cosignSign(
        kubewarden, content.image(kubewarden, "signed", 1), key, "ghcr.io/" + kubewarden, false);
    content.image(kubewarden, "unsigned", 2);
    content.cosignSign(
        "library/nginx",
        content.image("library/nginx", "latest", 3),
        key,
        "docker.io/library/nginx",
        true);
    content.cosignSign(
        "library/nginx",
        content.image("library/nginx", "v1.26", 4),
        key,
        "docker.io/library/nginx",
        false);
    content.image("library/init", "latest", 5);
    content.image("team/job", "v1", 6);
    RawManifest otherKey = content.image("team/job", "other-key", 7);
    content.cosignSign(
        "team/job", otherKey, CosignTestSigner.generate(), "registry.example/team/job", false);
    Files.writeString(temp.resolve("cosign.pub"), key.publicKeyPem());
    Path policy = Files.writeString(temp.resolve("policy.yaml"), POLICY);

    ImageVerifier verifier =
        ImageVerifier.builder(client)
            .policies(PolicySet.of(List.of(new PolicyLoader().load(policy))))
            .address(new RegistryHost("ghcr.io"), host)
            .address(RegistryHost.DOCKER_HUB, host)
            .address(new RegistryHost("registry.example"), host)
            .build();
    KeyStore keys = selfSigned();
    Path p12 = temp.resolve("webhook.p12");
    try (var out = Files.newOutputStream(p12)) {
      keys.store(out, "secret".toCharArray());
    }
    webhook =
        AdmissionWebhook.start(
            verifier,
            AdmissionWebhook.tls(p12, "secret".toCharArray()),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    http =
        HttpClient.newBuilder()
            .sslContext(trusting((X509Certificate) keys.getCertificate("webhook")))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
    if (client != null) {
      client.close();
    }
  }

  /** A key store with an EC key and a certificate for 127.0.0.1, valid for a day. */
  private static KeyStore selfSigned() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    X500Name name = new X500Name("CN=admission-webhook.test");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            java.util.Date.from(now.minusSeconds(60)),
            java.util.Date.from(now.plus(Duration.ofDays(1))),
            name,
            pair.getPublic());
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "webhook", pair.getPrivate(), "secret".toCharArray(), new Certificate[] {certificate});
    return store;
  }

  private static SSLContext trusting(X509Certificate certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("webhook", certificate);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** A fixture request (an AdmissionRequest), wrapped in an AdmissionReview. */
  private static String review(String fixture) throws IOException {
    try (InputStream in =
        AdmissionWebhookTest.class.getResourceAsStream(
            "/admission-requests/kubewarden/" + fixture)) {
      assertThat(in).as(fixture).isNotNull();
      return wrap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static String wrap(String request) {
    return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
        + request
        + "}";
  }

  /** A review of a {@code kind} whose pod spec (at its place) is {@code podSpec}. */
  private static String workload(String kind, String podSpec) {
    String object =
        switch (kind) {
          case "Pod" -> "{\"spec\":" + podSpec + "}";
          case "CronJob" ->
              "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":" + podSpec + "}}}}}";
          default -> "{\"spec\":{\"template\":{\"spec\":" + podSpec + "}}}";
        };
    return wrap(
        "{\"uid\":\"u-"
            + kind
            + "\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\""
            + kind
            + "\"},\"operation\":\"CREATE\",\"object\":"
            + object
            + "}");
  }

  private static String containers(String list, String... images) {
    StringBuilder s = new StringBuilder("{\"" + list + "\":[");
    for (int i = 0; i < images.length; i++) {
      s.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"");
      s.append(images[i]).append("\"}");
    }
    return s.append("]}").toString();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(webhook.uri().resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code response} of the AdmissionReview answered for {@code body}. */
  private JsonNode answer(String body) throws Exception {
    HttpResponse<String> r = post("/validate", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode review = json.readTree(r.body());
    assertThat(review.get("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.get("kind").asText()).isEqualTo("AdmissionReview");
    return review.get("response");
  }

  private static String message(JsonNode response) {
    assertThat(response.get("allowed").booleanValue()).isFalse();
    assertThat(response.get("status").get("code").intValue()).isEqualTo(403);
    return response.get("status").get("message").asText();
  }

  @Test
  void podCreationSignedIsAllowed() throws Exception {
    JsonNode response = answer(review("pod_creation_signed.json"));
    assertThat(response.get("uid").asText()).isEqualTo(UID);
    assertThat(response.get("allowed").booleanValue()).isTrue();
    assertThat(response.has("status")).isFalse();
  }

  @Test
  void deploymentCreationSignedIsAllowed() throws Exception {
    JsonNode response = answer(review("deployment_creation_signed.json"));
    assertThat(response.get("uid").asText()).isEqualTo(UID);
    assertThat(response.get("allowed").booleanValue()).isTrue();
  }

  @Test
  void podCreationUnsignedIsDeniedNamingTheImageAndWhy() throws Exception {
    JsonNode response = answer(review("pod_creation_unsigned.json"));
    assertThat(response.get("uid").asText()).isEqualTo(UID);
    assertThat(message(response)).isEqualTo(UNSIGNED + NO_SIGNATURE);
  }

  @Test
  void podCreationWithDigestIsJudgedByTheDigestNotTheTag() throws Exception {
    // nginx:v1.26 is there and passes, but the pod pins another digest, which the registry lacks.
    assertThat(
            answer(workload("Pod", containers("containers", "nginx:v1.26")))
                .get("allowed")
                .booleanValue())
        .isTrue();
    JsonNode response = answer(review("pod_creation_with_digest.json"));
    assertThat(message(response))
        .isEqualTo(
            "nginx:v1.26@sha256:89102e348749bb17a6a651a4b2a17420e1a66d2a44a675b981973d49a5af3a5e"
                + ": cannot be verified: not found in its registry");
  }

  @Test
  void podCreationWithInitContainerJudgesTheInitContainerToo() throws Exception {
    JsonNode response = answer(review("pod_creation_with_init_container.json"));
    assertThat(message(response)).isEqualTo("init" + NO_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"})
  void everyWorkloadKindIsJudgedByItsPodTemplate(String kind) throws Exception {
    assertThat(
            answer(workload(kind, containers("containers", SIGNED))).get("allowed").booleanValue())
        .isTrue();
    JsonNode denied =
        answer(workload(kind, containers("initContainers", "registry.example/team/job:v1")));
    assertThat(denied.get("uid").asText()).isEqualTo("u-" + kind);
    assertThat(message(denied)).isEqualTo("registry.example/team/job:v1" + NO_SIGNATURE);
  }

  @Test
  void ephemeralContainersCountAndEachFailingImageHasItsLine() throws Exception {
    String spec =
        "{\"containers\":[{\"name\":\"a\",\"image\":\""
            + SIGNED
            + "\"}],\"ephemeralContainers\":[{\"name\":\"debug\",\"image\":\""
            + UNSIGNED
            + "\"},{\"name\":\"x\",\"image\":\"ghcr.io/kubewarden/absent:v1\"},"
            + "{\"name\":\"y\",\"image\":\"registry.example/team/job:other-key\"}]}";
    String[] lines = message(answer(workload("Pod", spec))).split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).isEqualTo(UNSIGNED + NO_SIGNATURE);
    assertThat(lines[1])
        .isEqualTo("ghcr.io/kubewarden/absent:v1: cannot be verified: not found in its registry");
    assertThat(lines[2]).startsWith("registry.example/team/job:other-key: ").contains("cosign.pub");
  }

  @Test
  void otherKindsAndDeletesHaveNoImagesAndAreAllowed() throws Exception {
    String configMap =
        wrap(
            "{\"uid\":\"c\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"ConfigMap\"},"
                + "\"object\":{\"data\":{\"image\":\"evil\"}}}");
    assertThat(answer(configMap).get("allowed").booleanValue()).isTrue();
    String delete =
        wrap(
            "{\"uid\":\"d\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
                + "\"operation\":\"DELETE\",\"object\":null,\"oldObject\":{\"spec\":{}}}");
    assertThat(answer(delete).get("allowed").booleanValue()).isTrue();
  }

  @Test
  void anInvalidImageReferenceIsDeniedWithTheReason() throws Exception {
    String message = message(answer(workload("Pod", containers("containers", "UPPER/Case:v1"))));
    assertThat(message).startsWith("UPPER/Case:v1: invalid image reference 'UPPER/Case:v1'");
  }

  @Test
  void malformedReviewsAre400WithTheReason() throws Exception {
    assertThat(post("/validate", "not json").statusCode()).isEqualTo(400);
    HttpResponse<String> wrongVersion =
        post("/validate", review("pod_creation_signed.json").replace("/v1\"", "/v1beta1\""));
    assertThat(wrongVersion.statusCode()).isEqualTo(400);
    assertThat(wrongVersion.body())
        .isEqualTo(
            "malformed AdmissionReview: apiVersion is 'admission.k8s.io/v1beta1', not"
                + " admission.k8s.io/v1");
    HttpResponse<String> noUid = post("/validate", wrap("{\"kind\":{\"kind\":\"Pod\"}}"));
    assertThat(noUid.body()).isEqualTo("malformed AdmissionReview: request.uid is missing");
    HttpResponse<String> notArray =
        post("/validate", workload("Pod", "{\"containers\":{\"image\":\"x\"}}"));
    assertThat(notArray.statusCode()).isEqualTo(400);
    assertThat(notArray.body())
        .isEqualTo("malformed AdmissionReview: request.object.spec.containers is not an array");
    HttpResponse<String> imageNumber =
        post("/validate", workload("Pod", "{\"containers\":[{\"image\":7}]}"));
    assertThat(imageNumber.body())
        .endsWith("request.object.spec.containers[0].image is not a string");
    HttpResponse<String> duplicate =
        post(
            "/validate",
            review("pod_creation_signed.json").replace("{\n  \"uid\"", "{\"uid\":\"x\",\"uid\""));
    assertThat(duplicate.statusCode()).isEqualTo(400);
  }

  @Test
  void otherPathsMethodsAndHugeBodiesAreRefused() throws Exception {
    assertThat(post("/mutate", review("pod_creation_signed.json")).statusCode()).isEqualTo(404);
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(webhook.uri().resolve("/validate")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    String huge = " ".repeat(AdmissionWebhook.MAX_BODY_BYTES) + review("pod_creation_signed.json");
    assertThat(post("/validate", huge).statusCode()).isEqualTo(413);
  }

  @Test
  void deeplyNestedJsonIs400() throws Exception {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    HttpResponse<String> r = post("/validate", deep);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).startsWith("malformed AdmissionReview: not JSON");
  }

  /**
   * Over HTTP, broken reviews (truncated, a character changed, fields of the wrong type, junk) are
   * 400 with a message, never 500: a fuzz of the whole path the API server's requests take.
   */
  @Test
  void brokenReviewsOverHttpAre400NeverA500() throws Exception {
    String valid = review("pod_creation_with_init_container.json");
    qt().withExamples(100)
        .forAll(AdmissionReviewsPropertiesTest.broken(valid))
        .checkAssert(
            body -> {
              HttpResponse<String> r;
              try {
                r = post("/validate", body);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
              assertThat(r.statusCode()).as(body).isIn(200, 400);
              if (r.statusCode() == 400) {
                assertThat(r.body()).startsWith("malformed AdmissionReview: ");
              }
            });
  }
}
