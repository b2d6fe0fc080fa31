package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.testing.MutableClock;
import io.wharf.oci.server.Identity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoginServiceTest {

  private static final String PASSWORD = "correct horse battery staple";

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final AtomicInteger checks = new AtomicInteger();

  /** Knows alice and bob, both with {@link #PASSWORD}; counts its checks. */
  private final PasswordVerifier users =
      (username, secret) -> {
        checks.incrementAndGet();
        if (!username.equals("alice") && !username.equals("bob")) {
          return Verification.unknown();
        }
        return secret.equals(PASSWORD)
            ? Verification.verified(Identity.named(username))
            : Verification.rejected("wrong password");
      };

  private LoginService.Builder service() {
    return LoginService.builder().verifier(users).clock(clock);
  }

  private static Optional<InetSocketAddress> from(String address) throws IOException {
    return Optional.of(new InetSocketAddress(InetAddress.getByName(address), 40000));
  }

  @Test
  void attack_bruteForceFromOneAddressIsThrottled() throws Exception {
    LoginService logins = service().build();
    Optional<InetSocketAddress> attacker = from("203.0.113.7");

    List<LoginResult> results = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      results.add(logins.login("alice", "guess-" + i, attacker));
    }

    assertThat(results.subList(0, 5)).allMatch(r -> r instanceof LoginResult.Failure);
    assertThat(results.subList(5, 1000)).allMatch(r -> r instanceof LoginResult.Throttled);
    assertThat(checks).as("only the first 5 were checked").hasValue(5);
    assertThat(logins.login("alice", PASSWORD, attacker))
        .as("the real password is throttled too")
        .isEqualTo(new LoginResult.Throttled(Duration.ofSeconds(5)));

    assertThat(logins.login("bob", PASSWORD, from("198.51.100.1")))
        .as("other users from other addresses are unaffected")
        .isInstanceOf(LoginResult.Success.class);
    assertThat(logins.login("alice", PASSWORD, from("198.51.100.1")))
        .as("the user name is throttled from every address")
        .isInstanceOf(LoginResult.Throttled.class);
    assertThat(logins.login("bob", PASSWORD, attacker))
        .as("the address is throttled for every user")
        .isInstanceOf(LoginResult.Throttled.class);

    clock.advance(Duration.ofSeconds(5));
    assertThat(logins.login("alice", PASSWORD, attacker))
        .as("once the delay passed")
        .isInstanceOf(LoginResult.Success.class);
  }

  @Test
  void theDelayDoublesWithEachFailureUpToTheCap() throws Exception {
    LoginService logins = service().maxDelay(Duration.ofSeconds(60)).build();
    Optional<InetSocketAddress> client = from("203.0.113.7");
    for (int i = 0; i < 5; i++) {
      logins.login("alice", "wrong", client);
    }
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      LoginResult.Throttled t = (LoginResult.Throttled) logins.login("alice", "wrong", client);
      delays.add(t.retryAfter());
      clock.advance(t.retryAfter());
      assertThat(logins.login("alice", "wrong", client)).isInstanceOf(LoginResult.Failure.class);
    }
    assertThat(delays)
        .containsExactly(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            Duration.ofSeconds(40),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60));
  }

  @Test
  void failuresAreForgottenAfterTheWindowAndASuccessResetsTheUser() throws Exception {
    LoginService logins = service().build();
    for (int i = 0; i < 4; i++) {
      logins.login("alice", "wrong", from("203.0.113." + i));
    }
    assertThat(logins.login("alice", PASSWORD, from("203.0.113.9")))
        .isInstanceOf(LoginResult.Success.class);
    for (int i = 0; i < 4; i++) {
      assertThat(logins.login("alice", "wrong", from("203.0.113." + (10 + i))))
          .isInstanceOf(LoginResult.Failure.class);
    }
    clock.advance(Duration.ofMinutes(16));
    for (int i = 0; i < 4; i++) {
      assertThat(logins.login("alice", "wrong", from("203.0.113." + (20 + i))))
          .isInstanceOf(LoginResult.Failure.class);
    }
  }

  @Test
  void ipv6AddressesAreThrottledPerSlash64() throws Exception {
    LoginService logins = service().build();
    for (int i = 0; i < 5; i++) {
      logins.login("user" + i, "wrong", from("2001:db8:1:2::" + (i + 1)));
    }
    assertThat(logins.login("bob", PASSWORD, from("2001:db8:1:2:ffff::9")))
        .isInstanceOf(LoginResult.Throttled.class);
    assertThat(logins.login("bob", PASSWORD, from("2001:db8:1:3::1")))
        .isInstanceOf(LoginResult.Success.class);
    assertThat(LoginService.addressKey(new InetSocketAddress("2001:db8:1:2::5", 1)))
        .isEqualTo("net:2001:db8:1:2::/64");
    assertThat(LoginService.addressKey(new InetSocketAddress("192.0.2.1", 1)))
        .isEqualTo("ip:192.0.2.1");
  }

  @Test
  void theThrottleKeepsABoundedNumberOfKeys() throws Exception {
    LoginService logins = service().maxThrottledKeys(100).build();
    for (int i = 0; i < 1000; i++) {
      logins.login("user" + i, "wrong", Optional.empty());
    }
    var field = LoginService.class.getDeclaredField("throttle");
    field.setAccessible(true);
    assertThat(((LoginThrottle) field.get(logins)).size()).isEqualTo(100);
  }

  @Test
  void aSuccessIsRememberedForTheTtlWithoutKeepingTheSecret() throws Exception {
    LoginService logins = service().build();
    for (int i = 0; i < 10; i++) {
      assertThat(logins.login("alice", PASSWORD, Optional.empty()))
          .isInstanceOf(LoginResult.Success.class);
    }
    assertThat(checks).hasValue(1);
    assertThat(logins.login("alice", PASSWORD + "!", Optional.empty()))
        .isInstanceOf(LoginResult.Failure.class);
    assertThat(checks).hasValue(2);

    clock.advance(Duration.ofSeconds(60));
    logins.login("alice", PASSWORD, Optional.empty());
    assertThat(checks).as("checked again after 60 s").hasValue(3);

    logins.invalidate("alice");
    logins.login("alice", PASSWORD, Optional.empty());
    assertThat(checks).hasValue(4);
  }

  @Test
  void theCacheKeyIsAnHmacAndNotTheSecret() {
    LoginCache a = new LoginCache(10);
    LoginCache b = new LoginCache(10);
    String key = a.key("alice", PASSWORD);
    assertThat(key).doesNotContain(PASSWORD).hasSize(43).isEqualTo(a.key("alice", PASSWORD));
    assertThat(b.key("alice", PASSWORD)).as("a random key per process").isNotEqualTo(key);
    assertThat(a.key("alice", "x")).isNotEqualTo(a.key("alic", "ex"));
  }

  @Test
  void aVerifierShortensOrTurnsOffCaching() throws Exception {
    AtomicInteger robotChecks = new AtomicInteger();
    Instant tokenExpiry = clock.instant().plusSeconds(10);
    LoginService logins =
        LoginService.builder()
            .clock(clock)
            .verifier(
                (u, s) -> {
                  robotChecks.incrementAndGet();
                  return u.equals("robot$ci")
                      ? new Verification.Verified(Identity.named(u), Optional.empty(), false)
                      : Verification.verifiedUntil(Identity.named(u), tokenExpiry);
                })
            .build();

    logins.login("robot$ci", "s", Optional.empty());
    logins.login("robot$ci", "s", Optional.empty());
    assertThat(robotChecks).as("robots are checked every time").hasValue(2);

    logins.login("oidc-user", "t", Optional.empty());
    logins.login("oidc-user", "t", Optional.empty());
    assertThat(robotChecks).hasValue(3);
    clock.advance(Duration.ofSeconds(10));
    logins.login("oidc-user", "t", Optional.empty());
    assertThat(robotChecks).as("not remembered beyond the token's expiry").hasValue(4);
  }

  @Test
  void verifiersAreAskedInOrderUntilOneKnowsTheUser() throws Exception {
    List<String> asked = new ArrayList<>();
    LoginService logins =
        LoginService.builder()
            .clock(clock)
            .verifier(
                (u, s) -> {
                  asked.add("first");
                  return Verification.unknown();
                })
            .verifier(
                (u, s) -> {
                  asked.add("second");
                  return Verification.rejected("nope");
                })
            .verifier(
                (u, s) -> {
                  asked.add("third");
                  return Verification.verified(Identity.named(u));
                })
            .build();
    assertThat(logins.login("x", "y", Optional.empty())).isEqualTo(new LoginResult.Failure("nope"));
    assertThat(asked).containsExactly("first", "second");
    assertThat(service().build().login("carol", PASSWORD, Optional.empty()))
        .isEqualTo(new LoginResult.Failure("unknown user"));
  }

  @Test
  void malformedCredentialsFailBeforeAnyCheck() throws Exception {
    LoginService logins = service().build();
    for (String[] c :
        new String[][] {
          {"", PASSWORD},
          {"a".repeat(257), PASSWORD},
          {"al\u0000ice", PASSWORD},
          {"alice\n", PASSWORD},
          {"alice", ""},
          {"alice", "x".repeat(4097)},
          {"alice", "pass\u007fword"}
        }) {
      assertThat(logins.login(c[0], c[1], Optional.empty()))
          .isInstanceOf(LoginResult.Failure.class);
    }
    assertThat(checks).hasValue(0);
  }

  @Test
  void anUnreachableSourceIsAnIoExceptionAndNotCountedAsAFailure() throws Exception {
    LoginService logins =
        LoginService.builder()
            .clock(clock)
            .verifier(
                (u, s) -> {
                  throw new IOException("ldap down");
                })
            .build();
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> logins.login("alice", "pw", from("203.0.113.7")))
          .isInstanceOf(IOException.class)
          .hasMessage("ldap down");
    }
  }

  @Test
  void attack_aBurstOfParallelGuessesIsCutAtTheLimit() throws Exception {
    CountDownLatch inside = new CountDownLatch(5);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    LoginService logins =
        LoginService.builder()
            .clock(clock)
            .verifier(waiting(inside, release, calls, Verification.rejected("wrong")))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<LoginResult>> results = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String guess = "guess-" + i;
        results.add(pool.submit(() -> logins.login("alice", guess, Optional.empty())));
      }
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      int throttled = 0;
      for (Future<LoginResult> f : results) {
        if (f.isDone()) {
          throttled++;
        }
      }
      release.countDown();
      long failures = 0;
      for (Future<LoginResult> f : results) {
        if (f.get(30, TimeUnit.SECONDS) instanceof LoginResult.Failure) {
          failures++;
        }
      }
      assertThat(calls).hasValue(5);
      assertThat(failures).isEqualTo(5);
      assertThat(throttled).isLessThanOrEqualTo(7);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void parallelLoginsWithTheSameCredentialsShareOneCheck() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    LoginService logins =
        LoginService.builder()
            .clock(clock)
            .verifier(
                waiting(
                    new CountDownLatch(0),
                    release,
                    calls,
                    Verification.verified(Identity.named("alice"))))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<LoginResult>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> logins.login("alice", PASSWORD, Optional.empty())));
      }
      release.countDown();
      for (Future<LoginResult> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isInstanceOf(LoginResult.Success.class);
      }
      assertThat(calls).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A verifier that counts its calls, says it is inside, waits for {@code release}, then answers.
   */
  private static PasswordVerifier waiting(
      CountDownLatch inside, CountDownLatch release, AtomicInteger calls, Verification answer) {
    return (u, s) -> {
      calls.incrementAndGet();
      inside.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer;
    };
  }

  @Test
  void secretsAppearInNoResultOrString() throws Exception {
    LoginService logins = service().verifier(StaticUsers.builder().build()).build();
    LoginResult r = logins.login("alice", "hunter2-secret", from("203.0.113.7"));
    assertThat(r.toString()).doesNotContain("hunter2-secret");
    assertThat(logins.toString()).doesNotContain(PASSWORD);
  }
}
