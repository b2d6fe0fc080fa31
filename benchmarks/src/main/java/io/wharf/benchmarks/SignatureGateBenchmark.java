package io.wharf.benchmarks;

import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Decision;
import io.wharf.oci.policy.InMemoryPolicyContext;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.sign.SignatureVerdicts;
import io.wharf.oci.policy.testing.CosignTestSigner;
import io.wharf.oci.policy.vuln.ReportSource;
import io.wharf.oci.server.CachedVerdicts;
import io.wharf.oci.server.PolicyGate;
import io.wharf.oci.server.Registry;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a signature-required rule costs. The image {@code team/app:v1} is signed as {@code cosign
 * sign --key} signs it (ECDSA P-256, the signature manifest at {@code sha256-<hex>.sig}), and the
 * rule requires a signature by that key (the policy has 50 rules, of which one matches):
 *
 * <ul>
 *   <li>{@link #noGate} and {@link #signatureGate}: a manifest GET ({@code Registry.handle}, in
 *       memory) without policies, and with the {@link PolicyGate} (warm: its verdict is cached);
 *   <li>{@link #cachedDecision}: {@code PolicySet.pull} answered from a {@link CachedVerdicts};
 *   <li>{@link #firstVerification}: {@code PolicySet.pull} with no cache, so every call finds the
 *       signature (the tag, its manifest, the payload), verifies it and checks the digest: what the
 *       first pull of a newly signed image costs.
 * </ul>
 *
 * <p>The decisions are sampled (mode SampleTime): read their p0.99.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class SignatureGateBenchmark {

  private static final RepositoryName REPO = RepositoryName.of("team/app");
  private static final ReportSource NO_REPORTS = (context, manifest) -> Optional.empty();

  private Registry open;
  private Registry gated;
  private PolicySet policies;
  private RawManifest image;
  private InMemoryPolicyContext facts;
  private CachedVerdicts verdicts;
  private Path folder;

  @Setup
  public void setUp() throws Exception {
    CosignTestSigner key = CosignTestSigner.generate();
    folder = Files.createTempDirectory("wharf-signature-bench");
    Files.writeString(folder.resolve("cosign.pub"), key.publicKeyPem());
    StringBuilder doc = PolicyGateBenchmark.otherRules();
    doc.append(
        "  - name: signed\n    match: {repositories: [\"team/**\"]}\n"
            + "    signatures: {cosign: {keys: [{file: cosign.pub}]}}\n");
    Path file = Files.writeString(folder.resolve("bench.yaml"), doc);
    policies = PolicySet.of(List.of(new PolicyLoader().load(file)));

    open = Registry.builder(RegistryStorage.inMemory()).build();
    image = PolicyGateBenchmark.pushImage(open);
    Registry.Builder builder = Registry.builder(RegistryStorage.inMemory());
    PolicyGate.builder(Policies.of(policies)).build().applyTo(builder);
    gated = builder.build();
    PolicyGateBenchmark.pushImage(gated);
    if (PolicyGateBenchmark.get(gated) != 403) {
      throw new IllegalStateException("an unsigned image was not refused");
    }
    CosignTestSigner.Signed signed = key.sign("127.0.0.1:5000/team/app", image.descriptor());
    facts = new InMemoryPolicyContext(REPO.value());
    facts.putManifest(image);
    facts.tag(signed.tag(), facts.putManifest(signed.manifest()).digest());
    for (CosignTestSigner.Blob blob : signed.blobs()) {
      PolicyGateBenchmark.post(gated, blob.content());
      facts.putBlob(blob.content());
    }
    PolicyGateBenchmark.put(gated, "/v2/team/app/manifests/" + signed.tag(), signed.manifest());
    if (PolicyGateBenchmark.get(open) != 200 || PolicyGateBenchmark.get(gated) != 200) {
      throw new IllegalStateException("a manifest GET was not answered 200");
    }
    verdicts = new CachedVerdicts(1024);
    if (firstVerification().denied() || cachedDecision().denied()) {
      throw new IllegalStateException("the signed image is not allowed");
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    open.close();
    gated.close();
    try (var files = Files.list(folder)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
    Files.delete(folder);
  }

  /** A manifest GET without policies. */
  @Benchmark
  public int noGate() throws IOException {
    return PolicyGateBenchmark.get(open);
  }

  /** A manifest GET judged by the signature rule, its verdict cached. */
  @Benchmark
  public int signatureGate() throws IOException {
    return PolicyGateBenchmark.get(gated);
  }

  /** The decision, its verdict cached: read its p0.99. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public Decision cachedDecision() throws IOException {
    return pull(verdicts);
  }

  /** The decision with nothing cached: the signature found and verified. Read its p0.99. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public Decision firstVerification() throws IOException {
    return pull(SignatureVerdicts.none());
  }

  private Decision pull(SignatureVerdicts cache) throws IOException {
    return policies.pull(
        "127.0.0.1:5000",
        REPO,
        Optional.of(new Tag("v1")),
        image,
        facts,
        NO_REPORTS,
        cache,
        Instant.now());
  }
}
