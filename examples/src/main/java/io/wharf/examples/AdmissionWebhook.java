package io.wharf.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.wharf.examples.AdmissionReviews.MalformedReviewException;
import io.wharf.examples.AdmissionReviews.Review;
import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.auth.DockerConfig;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.policy.PolicyException;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.Reason;
import io.wharf.oci.verify.ImageVerifier;
import io.wharf.oci.verify.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes validating admission webhook that denies Pods and workloads whose images fail the
 * policies: {@code POST /validate} over HTTPS takes an {@code admission.k8s.io/v1} AdmissionReview,
 * finds every image of the object ({@link AdmissionReviews}: containers, init containers and
 * ephemeral containers of a Pod, or of the pod template of a Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job or CronJob), resolves each tag to its digest and judges it with an {@link
 * ImageVerifier}, and answers with the review's uid: allowed, or {@code status.code} 403 and a
 * message naming each image that failed and why ({@code IMAGE: reason; reason}, one line per
 * image). An image that cannot be verified (the registry is unreachable or lacks it) is denied: the
 * webhook fails closed.
 *
 * <p>Bodies above {@value #MAX_BODY_BYTES} bytes are 413; a review that is not one is 400 with the
 * reason; other paths are 404 and other methods 405. Runs on the JDK's {@code HttpsServer} with a
 * few threads of its own.
 */
public final class AdmissionWebhook implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AdmissionWebhook.class);

  /** The largest request body read. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  /** The most bytes of a too-large body read and thrown away before the 413. */
  static final int MAX_DRAIN_BYTES = 8 * 1024 * 1024;

  /** The most distinct images of one object judged; more are denied. */
  public static final int MAX_IMAGES = 64;

  /** The longest message of a denial. */
  static final int MAX_MESSAGE_CHARS = 8 * 1024;

  private final ImageVerifier verifier;
  private final HttpsServer server;
  private final ExecutorService executor;

  private AdmissionWebhook(ImageVerifier verifier, HttpsServer server, ExecutorService executor) {
    this.verifier = verifier;
    this.server = server;
    this.executor = executor;
  }

  /**
   * Serves the webhook on {@code address} with the certificate and key of {@code tls}, judging
   * images with {@code verifier}.
   *
   * @throws IOException when the address cannot be bound
   */
  public static AdmissionWebhook start(
      ImageVerifier verifier, SSLContext tls, InetSocketAddress address) throws IOException {
    HttpsServer server = HttpsServer.create(address, 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    ExecutorService executor = Executors.newFixedThreadPool(4);
    AdmissionWebhook webhook = new AdmissionWebhook(verifier, server, executor);
    server.createContext("/", webhook::handle);
    server.setExecutor(executor);
    server.start();
    return webhook;
  }

  /** Its base URI, {@code https://host:port}. */
  public URI uri() {
    InetSocketAddress bound = server.getAddress();
    return URI.create("https://" + bound.getHostString() + ":" + bound.getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals("/validate")) {
        send(exchange, 404, "text/plain", bytes("not found: POST /validate"));
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().add("Allow", "POST");
        send(exchange, 405, "text/plain", bytes("method not allowed: POST /validate"));
        return;
      }
      byte[] body = read(exchange);
      if (body == null) {
        send(exchange, 413, "text/plain", bytes("body larger than " + MAX_BODY_BYTES + " bytes"));
        return;
      }
      Review review;
      try {
        review = AdmissionReviews.parse(body);
      } catch (MalformedReviewException e) {
        send(exchange, 400, "text/plain", bytes("malformed AdmissionReview: " + e.getMessage()));
        return;
      }
      send(exchange, 200, "application/json", answer(review));
    } catch (IOException e) {
      // The API server went away; it retries or fails the request by its own policy.
      log.debug("admission request failed: {}", e.toString());
    } catch (RuntimeException e) {
      log.warn("admission request failed", e);
      try {
        send(exchange, 500, "text/plain", bytes("internal error"));
      } catch (IOException | RuntimeException ignored) {
        // The answer has begun or the connection is gone: nothing more can be said.
      }
    }
  }

  /** Judges every image of {@code review}. */
  byte[] answer(Review review) {
    List<String> denials = new ArrayList<>();
    if (review.images().size() > MAX_IMAGES) {
      denials.add(
          review.images().size() + " images, more than the " + MAX_IMAGES + " judged at once");
    } else {
      for (String image : review.images()) {
        judge(image).ifPresent(denials::add);
      }
    }
    if (denials.isEmpty()) {
      return AdmissionReviews.response(review.uid(), true, "");
    }
    String message = String.join("\n", denials);
    if (message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
    }
    log.info("denied {} {}: {}", review.kind(), review.uid(), message);
    return AdmissionReviews.response(review.uid(), false, message);
  }

  /** Why {@code image} is denied, or empty when it is allowed. */
  private Optional<String> judge(String image) {
    String shown = AdmissionReviews.oneLine(image);
    Verdict verdict;
    try {
      verdict = verifier.verify(image);
    } catch (IllegalArgumentException e) {
      return Optional.of(shown + ": " + AdmissionReviews.oneLine(e.getMessage()));
    } catch (RegistryClientException e) {
      String what = e.isNotFound() ? "not found in its registry" : e.getMessage();
      return Optional.of(shown + ": cannot be verified: " + AdmissionReviews.oneLine(what));
    } catch (IOException | RuntimeException e) {
      String what = e.getMessage() == null ? e.toString() : e.getMessage();
      return Optional.of(shown + ": cannot be verified: " + AdmissionReviews.oneLine(what));
    }
    if (verdict.allowed()) {
      log.debug("allowed {} as {}", shown, verdict.digest());
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    for (Reason reason : verdict.reasons()) {
      reasons.add(reason.message());
    }
    return Optional.of(shown + ": " + String.join("; ", reasons));
  }

  /**
   * The body, or null when it is larger than {@link #MAX_BODY_BYTES}. A body that is too large is
   * read on (up to {@link #MAX_DRAIN_BYTES}) and thrown away, so that the client, still sending,
   * gets the 413 rather than a reset connection.
   */
  private static byte[] read(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    try (InputStream in = exchange.getRequestBody()) {
      if (length != null && !fits(length)) {
        drain(in);
        return null;
      }
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        drain(in);
        return null;
      }
      return body;
    }
  }

  private static boolean fits(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) <= MAX_BODY_BYTES;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void drain(InputStream in) throws IOException {
    long left = MAX_DRAIN_BYTES;
    byte[] buffer = new byte[64 * 1024];
    int n;
    while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
      left -= n;
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Stops taking requests, lets those in flight finish for up to two seconds, and stops. */
  @Override
  public void close() {
    server.stop(2);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A TLS context with the key and certificate of the PKCS #12 file {@code keyStore} (what a
   * Kubernetes secret of type {@code kubernetes.io/tls} becomes after {@code openssl pkcs12
   * -export}).
   */
  public static SSLContext tls(Path keyStore, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, password);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  /**
   * Runs the webhook: {@code AdmissionWebhook KEYSTORE.p12 POLICY.yaml [PORT
   * [REGISTRY=ADDRESS...]]} with the key store's password in {@code WEBHOOK_KEYSTORE_PASSWORD},
   * credentials from the docker config, on port 8443 by default; each {@code REGISTRY=ADDRESS}
   * reads that registry's images from another address (a mirror). Ctrl-C stops it.
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: AdmissionWebhook KEYSTORE.p12 POLICY.yaml [PORT [REGISTRY=ADDRESS...]]");
      System.exit(2);
    }
    String password = System.getenv().getOrDefault("WEBHOOK_KEYSTORE_PASSWORD", "");
    SSLContext tls = tls(Path.of(args[0]), password.toCharArray());
    PolicySet policies;
    try {
      policies = PolicySet.of(List.of(new PolicyLoader().load(Path.of(args[1]))));
    } catch (PolicyException e) {
      e.errors().forEach(System.err::println);
      System.exit(2);
      return;
    }
    int port = args.length > 2 ? Integer.parseInt(args[2]) : 8443;
    RegistryClient client = RegistryClient.builder().credentials(DockerConfig.load()).build();
    ImageVerifier.Builder verifier = ImageVerifier.builder(client).policies(policies);
    for (int i = 3; i < args.length; i++) {
      String[] mapping = args[i].split("=", 2);
      if (mapping.length != 2) {
        System.err.println("not REGISTRY=ADDRESS: " + args[i]);
        System.exit(2);
      }
      verifier.address(new RegistryHost(mapping[0]), new RegistryHost(mapping[1]));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (AdmissionWebhook webhook =
        start(verifier.build(), tls, new InetSocketAddress("0.0.0.0", port))) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      log.info("admission webhook on {}/validate", webhook.uri());
      stopped.await();
    } finally {
      client.close();
    }
  }
}
