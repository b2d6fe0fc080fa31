package io.wharf.benchmarks;

import io.wharf.oci.auth.RegistryAuth;
import io.wharf.oci.auth.SigningKey;
import io.wharf.oci.auth.StaticUsers;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * What access control adds to a manifest GET in the engine itself, without HTTP: {@code
 * Registry.handle} of an in-memory registry without auth, with a bearer token of its token service,
 * and with Basic credentials (a cached login), each answered 200 with the manifest's bytes written
 * out. No listener (the audit log is measured by run-server-auth.sh). Mode AverageTime in
 * microseconds; the difference between the rows is the cost of access control.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class AuthHotPathBenchmark {

  private Registry open;
  private Registry secured;
  private Path keys;
  private String bearer;
  private String basic;
  private static final String PATH = "/v2/team/app/manifests/v1";
  private static final Optional<InetSocketAddress> CLIENT =
      Optional.of(new InetSocketAddress("127.0.0.1", 40000));

  @Setup
  public void setUp() throws IOException {
    keys = Files.createTempDirectory("wharf-auth-bench");
    open = Registry.builder(withImage(RegistryStorage.inMemory())).build();
    RegistryStorage storage = withImage(RegistryStorage.inMemory());
    RegistryAuth auth =
        RegistryAuth.builder(storage.metadata().access())
            .verifier(StaticUsers.builder().user("bench", StaticUsers.hash("pw", 4)).build())
            .tokens(SigningKey.loadOrCreate(keys), "wharf", "http://127.0.0.1/token")
            .systemAdmins(Set.of("bench"))
            .clock(Clock.systemUTC())
            .build();
    secured = auth.applyTo(Registry.builder(storage)).build();
    basic =
        "Basic " + Base64.getEncoder().encodeToString("bench:pw".getBytes(StandardCharsets.UTF_8));
    RegistryResponse token =
        secured.handle(
            new RegistryRequest(
                HttpMethod.GET,
                "/token",
                "service=wharf&scope=repository:team/app:pull",
                Headers.builder().set("Authorization", basic).build(),
                Bytes.empty().openStream(),
                CLIENT));
    String json = body(token);
    bearer = "Bearer " + json.replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
    if (get(secured, bearer) != 200 || get(secured, basic) != 200 || get(open, null) != 200) {
      throw new IllegalStateException("a manifest GET was not answered 200");
    }
  }

  private static RegistryStorage withImage(RegistryStorage storage) throws IOException {
    Bytes config = Bytes.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    Bytes layer = Bytes.utf8("a layer");
    Descriptor c = Descriptor.of(MediaType.OCI_IMAGE_CONFIG, config);
    Descriptor l = Descriptor.of(MediaType.OCI_LAYER_TAR, layer);
    Registry r = Registry.builder(storage).build();
    for (Bytes blob : List.of(config, layer)) {
      Descriptor d = Descriptor.of(MediaType.OCI_LAYER_TAR, blob);
      r.handle(
          new RegistryRequest(
              HttpMethod.POST,
              "/v2/team/app/blobs/uploads/",
              "digest=" + d.digest(),
              Headers.builder().set("Content-Length", Integer.toString(blob.size())).build(),
              blob.openStream()));
    }
    RawManifest m = ManifestCodec.defaults().encode(ImageManifest.of(c, List.of(l)));
    r.handle(
        new RegistryRequest(
            HttpMethod.PUT,
            PATH,
            "",
            Headers.builder().set("Content-Type", m.mediaType().toString()).build(),
            m.bytes().openStream()));
    return storage;
  }

  private static String body(RegistryResponse r) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    if (r.body().isPresent()) {
      r.body().get().writeTo(out);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int get(Registry registry, String authorization) throws IOException {
    Headers.Builder h =
        Headers.builder().set("Accept", "application/vnd.oci.image.manifest.v1+json");
    if (authorization != null) {
      h.set("Authorization", authorization);
    }
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(
                HttpMethod.GET, PATH, "", h.build(), Bytes.empty().openStream(), CLIENT));
    if (r.body().isPresent()) {
      r.body().get().writeTo(OutputStream.nullOutputStream());
    }
    return r.status();
  }

  @TearDown
  public void tearDown() {
    open.close();
    secured.close();
  }

  /** No access control at all. */
  @Benchmark
  public int noAuth() throws IOException {
    return get(open, null);
  }

  /** A bearer token of the registry's token service (verified once, then remembered). */
  @Benchmark
  public int bearerToken() throws IOException {
    return get(secured, bearer);
  }

  /** Basic credentials on every request (checked once, then a cached login). */
  @Benchmark
  public int basic() throws IOException {
    return get(secured, basic);
  }
}
