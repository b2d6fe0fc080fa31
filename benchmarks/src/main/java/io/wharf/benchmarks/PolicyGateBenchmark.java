package io.wharf.benchmarks;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Decision;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicyContext;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.vuln.ReportArtifacts;
import io.wharf.oci.policy.vuln.ReportFormat;
import io.wharf.oci.policy.vuln.ReportSource;
import io.wharf.oci.policy.vuln.VulnerabilityReport;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.PolicyGate;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.io.OutputStream;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a vulnerability gate adds to a manifest GET: {@code Registry.handle} of an in-memory
 * registry without policies ({@link #noGate}) and with a {@link PolicyGate} whose rule matches the
 * repository and reads the image's Trivy report, attached as a referrer (300 findings, none at or
 * above the rule's CRITICAL, so every finding is looked at and the pull is allowed; {@link
 * #vulnerabilityGate}); and the decision alone, {@code PolicySet.pull} over a cached report,
 * sampled for its percentiles ({@link #decision}, mode SampleTime: read p0.99). The policy has 50
 * rules, of which one matches. Mode AverageTime in microseconds for the GETs; each on the in-memory
 * stores and on the single-node default ({@code local}: SQLite metadata).
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class PolicyGateBenchmark {

  private static final String PATH = "/v2/team/app/manifests/v1";
  private static final RepositoryName REPO = RepositoryName.of("team/app");

  /** The stores: in memory, or the single-node default (filesystem blobs, SQLite metadata). */
  @Param({"memory", "local"})
  public String store;

  private Registry open;
  private Registry gated;
  private final List<RegistryStorage> stores = new java.util.ArrayList<>();
  private PolicySet policies;
  private RawManifest image;
  private PolicyContext facts;
  private ReportSource cachedReport;

  @Setup
  public void setUp() throws Exception {
    open = Registry.builder(storage()).build();
    image = pushImage(open);
    StringBuilder doc = otherRules();
    doc.append(
        "  - name: no-critical\n    match: {repositories: [\"team/**\"]}\n"
            + "    vulnerabilities: {severity: CRITICAL, missingReport: deny}\n");
    policies = PolicySet.of(List.of(new PolicyLoader().load("bench.yaml", doc.toString())));
    Registry.Builder builder = Registry.builder(storage());
    PolicyGate.builder(Policies.of(policies)).build().applyTo(builder);
    gated = builder.build();
    pushImage(gated);
    attachReport(gated, image);
    if (get(open) != 200 || get(gated) != 200) {
      throw new IllegalStateException("a manifest GET was not answered 200");
    }
    VulnerabilityReport report =
        io.wharf.oci.policy.vuln.Reports.parse(ReportFormat.TRIVY, trivyReport().openStream());
    cachedReport = (context, manifest) -> Optional.of(report);
    facts = new NoFacts();
    if (decision().denied()) {
      throw new IllegalStateException("the decision is not an allowance: " + decision());
    }
  }

  /** A policy document's start with 49 rules for other projects, which a pull passes over. */
  static StringBuilder otherRules() {
    StringBuilder doc = new StringBuilder("version: 1\nrules:\n");
    for (int i = 0; i < 49; i++) {
      doc.append("  - name: other-")
          .append(i)
          .append("\n    match: {projects: [other-")
          .append(i)
          .append("]}\n    vulnerabilities: {severity: HIGH}\n");
    }
    return doc;
  }

  private RegistryStorage storage() throws IOException {
    RegistryStorage s =
        store.equals("local")
            ? io.wharf.oci.storage.local.LocalStorage.open(
                java.nio.file.Files.createTempDirectory("wharf-policy-bench"))
            : RegistryStorage.inMemory();
    stores.add(s);
    return s;
  }

  /** Pushes a one-layer image to {@code team/app:v1} of {@code r}. */
  static RawManifest pushImage(Registry r) throws IOException {
    Bytes config = Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    Bytes layer = Bytes.utf8("a layer");
    Descriptor c = Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config);
    Descriptor l = Descriptor.of(MediaType.OCI_LAYER_TAR, layer);
    for (Bytes blob : List.of(config, layer)) {
      post(r, blob);
    }
    RawManifest m = ManifestCodec.defaults().encode(ImageManifest.of(c, List.of(l)));
    put(r, PATH, m);
    return m;
  }

  private static void attachReport(Registry r, RawManifest subject) throws IOException {
    ReportArtifacts a =
        ReportArtifacts.of(ReportFormat.TRIVY, trivyReport(), subject.descriptor(), Instant.now());
    for (ReportArtifacts.Blob blob : a.blobs()) {
      post(r, blob.content());
    }
    put(r, "/v2/team/app/manifests/" + a.manifest().digest(), a.manifest());
  }

  /** Pushes blob {@code blob} to {@code team/app} of {@code r}. */
  static void post(Registry r, Bytes blob) throws IOException {
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER_TAR, blob);
    RegistryResponse res =
        r.handle(
            new RegistryRequest(
                HttpMethod.POST,
                "/v2/team/app/blobs/uploads/",
                "digest=" + d.digest(),
                Headers.builder().set("Content-Length", Integer.toString(blob.size())).build(),
                blob.openStream()));
    if (res.status() != 201) {
      throw new IllegalStateException("blob push: " + res.status());
    }
  }

  /** Pushes manifest {@code m} at {@code path} of {@code r}. */
  static void put(Registry r, String path, RawManifest m) throws IOException {
    RegistryResponse res =
        r.handle(
            new RegistryRequest(
                HttpMethod.PUT,
                path,
                "",
                Headers.builder().set("Content-Type", m.mediaType().toString()).build(),
                m.bytes().openStream()));
    if (res.status() != 201) {
      throw new IllegalStateException("manifest push: " + res.status());
    }
  }

  /** A Trivy JSON report of 300 findings in 100 packages, LOW to HIGH, half of them fixable. */
  static Bytes trivyReport() {
    StringBuilder s =
        new StringBuilder(
            "{\"SchemaVersion\":2,\"CreatedAt\":\"2026-12-01T10:00:00Z\",\"ArtifactName\":"
                + "\"team/app:v1\",\"ArtifactType\":\"container_image\",\"Results\":[{\"Target\":"
                + "\"team/app (debian 12.5)\",\"Class\":\"os-pkgs\",\"Type\":\"debian\","
                + "\"Vulnerabilities\":[");
    String[] severities = {"LOW", "MEDIUM", "HIGH"};
    for (int i = 0; i < 300; i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append("{\"VulnerabilityID\":\"CVE-2024-")
          .append(10000 + i)
          .append("\",\"PkgName\":\"pkg-")
          .append(i % 100)
          .append("\",\"InstalledVersion\":\"1.")
          .append(i)
          .append("\",")
          .append(i % 2 == 0 ? "\"FixedVersion\":\"2." + i + "\"," : "")
          .append("\"Severity\":\"")
          .append(severities[i % 3])
          .append("\",\"PrimaryURL\":\"https://avd.aquasec.com/nvd/cve-2024-")
          .append(10000 + i)
          .append("\"}");
    }
    return Bytes.utf8(s.append("]}]}").toString());
  }

  /** A GET of {@code team/app:v1}'s manifest, its body drained; the status. */
  static int get(Registry registry) throws IOException {
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(
                HttpMethod.GET,
                PATH,
                "",
                Headers.builder()
                    .set("Accept", "application/vnd.oci.image.manifest.v1+json")
                    .build(),
                Bytes.empty().openStream()));
    if (r.body().isPresent()) {
      r.body().get().writeTo(OutputStream.nullOutputStream());
    }
    return r.status();
  }

  @TearDown
  public void tearDown() throws IOException {
    open.close();
    gated.close();
    for (RegistryStorage s : stores) {
      s.close();
    }
  }

  /** A manifest GET without policies. */
  @Benchmark
  public int noGate() throws IOException {
    return get(open);
  }

  /** A manifest GET judged by a vulnerability rule over the image's cached report. */
  @Benchmark
  public int vulnerabilityGate() throws IOException {
    return get(gated);
  }

  /** The decision alone, over a cached report: read its p0.99. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public Decision decision() throws IOException {
    return policies.pull(
        REPO, Optional.of(new Tag("v1")), image, facts, cachedReport, Instant.now());
  }

  /** Facts that are never needed: the report comes from the cache, the pull names its tag. */
  private static final class NoFacts implements PolicyContext {
    @Override
    public RepositoryName repository() {
      return REPO;
    }

    @Override
    public Optional<RawManifest> manifest(io.wharf.oci.model.Digest digest) {
      return Optional.empty();
    }

    @Override
    public Optional<io.wharf.oci.model.Digest> resolve(Tag tag) {
      return Optional.empty();
    }

    @Override
    public List<Tag> tagsOf(io.wharf.oci.model.Digest digest) {
      return List.of();
    }

    @Override
    public List<Descriptor> referrers(
        io.wharf.oci.model.Digest subject, Optional<MediaType> artifactType) {
      return List.of();
    }

    @Override
    public java.io.InputStream openBlob(io.wharf.oci.model.Digest digest) {
      throw new UnsupportedOperationException("no blob is read over cached facts");
    }
  }
}
