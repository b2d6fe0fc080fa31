package io.wharf.benchmarks;

import io.wharf.oci.auth.LoginResult;
import io.wharf.oci.auth.Logins;
import io.wharf.oci.auth.SigningKey;
import io.wharf.oci.auth.TokenAuthenticator;
import io.wharf.oci.auth.TokenService;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Authorizer;
import io.wharf.oci.server.Endpoint;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.RequestContext;
import io.wharf.oci.server.ServiceContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Docker token service's throughput, one thread:
 *
 * <ul>
 *   <li>{@link #issue}: a whole {@code GET /token} with Basic credentials and two scopes, through
 *       {@link TokenService#handle} (form parsing, the {@link Logins} call, the authorizer per
 *       action, the JWT's signature, the JSON answer). {@link Logins} answers at once, as its cache
 *       of successful checks does: bcrypt is its cost, not the token's. Target: 500 tokens/s or
 *       more (issue 12).
 *   <li>{@link #verify}: a {@link TokenAuthenticator} checking such a token without its cache of
 *       verified tokens (a signature check per request), and {@link #verifyCached} with it.
 * </ul>
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar TokenIssueBenchmark}. Mode Throughput, in
 * operations per second.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class TokenIssueBenchmark {

  private static final String SERVICE = "registry.bench";

  /** The signing algorithm. */
  @Param({"ES256", "RS256"})
  public String algorithm;

  private TokenService service;
  private TokenAuthenticator uncached;
  private TokenAuthenticator cached;
  private Headers basic;
  private Headers bearer;
  private RequestContext context;
  private final ServiceContext serviceContext =
      new ServiceContext() {
        @Override
        public String requestId() {
          return "bench";
        }

        @Override
        public Instant time() {
          return Instant.now();
        }

        @Override
        public void emit(
            RegistryEvent.Kind kind,
            Identity actor,
            int status,
            List<String> scopes,
            List<String> reasons) {}
      };

  /** Makes the key, the service and a token. */
  @Setup
  public void setUp() throws IOException {
    SigningKey key =
        SigningKey.generate(SigningKey.Algorithm.valueOf(algorithm), "bench", Clock.systemUTC());
    Identity alice = Identity.named("alice").withAttributes(Map.of("kind", "user"));
    Logins logins = (user, secret, client) -> new LoginResult.Success(alice);
    service = TokenService.builder(SERVICE, key, logins, Authorizer.allowAll()).build();
    uncached =
        TokenAuthenticator.builder("http://bench/token", SERVICE)
            .trust(service.trustedIssuer())
            .cacheSize(0)
            .build();
    cached =
        TokenAuthenticator.builder("http://bench/token", SERVICE)
            .trust(service.trustedIssuer())
            .build();
    basic =
        Headers.builder()
            .add(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8)))
            .build();
    String body = new String(issue(), StandardCharsets.UTF_8);
    int start = body.indexOf("\"token\":\"") + 9;
    String token = body.substring(start, body.indexOf('"', start));
    bearer = Headers.builder().add("Authorization", "Bearer " + token).build();
    context =
        new RequestContext(
            "bench",
            Instant.now(),
            HttpMethod.GET,
            Endpoint.values()[0],
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Identity.ANONYMOUS,
            List.of(Access.login()));
  }

  /** One token request, answered whole. */
  @Benchmark
  public byte[] issue() throws IOException {
    RegistryResponse r =
        service.handle(
            new RegistryRequest(
                HttpMethod.GET,
                "/token",
                "service="
                    + SERVICE
                    + "&scope=repository:team/app:pull,push&scope=repository:team/base:pull",
                basic,
                InputStream.nullInputStream()),
            serviceContext);
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    r.body().orElseThrow().writeTo(out);
    if (r.status() != 200) {
      throw new IllegalStateException("token request answered " + r.status());
    }
    return out.toByteArray();
  }

  /** One bearer token verified: signature and claims. */
  @Benchmark
  public Authentication verify() {
    return uncached.authenticate(context, bearer);
  }

  /** One bearer token found among the verified ones. */
  @Benchmark
  public Authentication verifyCached() {
    return cached.authenticate(context, bearer);
  }
}
