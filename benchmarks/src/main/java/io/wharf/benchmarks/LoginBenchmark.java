package io.wharf.benchmarks;

import io.wharf.oci.auth.LoginResult;
import io.wharf.oci.auth.LoginService;
import io.wharf.oci.auth.StaticUsers;
import io.wharf.oci.auth.Verification;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a login costs a request that sends Basic credentials: {@link #cachedLogin} through {@link
 * LoginService} once the check is remembered (bounds, throttle look-ups, one HMAC-SHA256, a map
 * look-up), against {@link #bcryptCheck}, the check of a bcrypt hash of cost 10 that every request
 * would pay without the cache.
 *
 * <p>Mode AverageTime in microseconds; compare the two on one machine.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class LoginBenchmark {

  private static final String PASSWORD = "correct horse battery staple";

  private StaticUsers users;
  private LoginService logins;
  private Optional<InetSocketAddress> client;

  /** Makes the user (bcrypt cost 10) and remembers one login. */
  @Setup
  public void setUp() throws IOException {
    users = StaticUsers.builder().user("alice", StaticUsers.hash(PASSWORD, 10)).build();
    logins = LoginService.builder().verifier(users).build();
    client = Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000));
    if (!(logins.login("alice", PASSWORD, client) instanceof LoginResult.Success)) {
      throw new IllegalStateException("the login failed");
    }
  }

  /**
   * A login the cache answers.
   *
   * @return the result
   */
  @Benchmark
  public LoginResult cachedLogin() throws IOException {
    return logins.login("alice", PASSWORD, client);
  }

  /**
   * A bcrypt check of cost 10.
   *
   * @return the result
   */
  @Benchmark
  public Verification bcryptCheck() {
    return users.verify("alice", PASSWORD);
  }
}
