package io.wharf.oci.client.internal;

import io.wharf.oci.client.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an exchange under a {@link RetryPolicy}. What may be retried depends on the step's {@link
 * Mode}: an idempotent step is retried after any connection error and after 429/500/502/503/504; a
 * step that must not run twice only when the request never left (the connection could not be
 * opened) or the registry said it did not take it (429, 503).
 */
public final class Retrier {

  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  /** Which failures a step may be retried after. */
  public enum Mode {
    /** GET, HEAD, PUT of a manifest, DELETE: running twice does no harm. */
    IDEMPOTENT,
    /** POST, PATCH: only when the request surely did not arrive. */
    NOT_SENT,
    /** Never (the caller recovers some other way). */
    NEVER
  }

  /** One attempt. */
  @FunctionalInterface
  public interface Attempt {
    /** Sends the request, afresh each time. */
    HttpResponse run() throws IOException;
  }

  /** Waits; replaceable in tests. */
  @FunctionalInterface
  public interface Sleeper {
    /** Sleeps for {@code d}. */
    void sleep(Duration d) throws InterruptedException;
  }

  /** An I/O failure that must not be retried (it already was, further down). */
  public static final class FinalIOException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Wraps {@code cause}. */
    public FinalIOException(String message, @org.jspecify.annotations.Nullable IOException cause) {
      super(message, cause);
    }
  }

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final Clock clock;

  /** A retrier with {@code policy}. */
  public Retrier(RetryPolicy policy, Sleeper sleeper, Clock clock) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  /** The policy. */
  public RetryPolicy policy() {
    return policy;
  }

  /**
   * Runs {@code attempt} until it gives a response that is not retryable or the policy is spent;
   * the last response (possibly a 429 or 5xx) is returned for the caller to map.
   */
  public HttpResponse execute(String what, Mode mode, Attempt attempt) throws IOException {
    long start = System.nanoTime();
    for (int n = 1; ; n++) {
      HttpResponse response;
      try {
        response = attempt.run();
      } catch (IOException e) {
        Optional<Duration> wait =
            mayRetry(mode, e) ? nextWait(n, start, Optional.empty()) : Optional.empty();
        if (wait.isEmpty()) {
          throw e;
        }
        log.debug(
            "{} failed ({}), attempt {} of {}, retrying in {} ms",
            what,
            e.toString(),
            n,
            policy.maxAttempts(),
            wait.get().toMillis());
        sleep(wait.get());
        continue;
      }
      int status = response.status();
      if (mayRetry(mode, status)) {
        Optional<Duration> retryAfter =
            response.header("Retry-After").flatMap(v -> RetryAfter.parse(v, clock));
        Optional<Duration> wait = nextWait(n, start, retryAfter);
        if (wait.isPresent()) {
          log.debug(
              "{} answered {}, attempt {} of {}, retrying in {} ms",
              what,
              status,
              n,
              policy.maxAttempts(),
              wait.get().toMillis());
          response.discard();
          sleep(wait.get());
          continue;
        }
      }
      return response;
    }
  }

  private static boolean mayRetry(Mode mode, IOException e) {
    if (e instanceof FinalIOException || e instanceof SSLHandshakeException) {
      return false;
    }
    return switch (mode) {
      case IDEMPOTENT -> true;
      case NOT_SENT ->
          e instanceof ConnectException
              || e instanceof ConnectTimeoutException
              || e instanceof NoRouteToHostException
              || e instanceof UnknownHostException;
      case NEVER -> false;
    };
  }

  private static boolean mayRetry(Mode mode, int status) {
    return switch (mode) {
      case IDEMPOTENT ->
          status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
      case NOT_SENT -> status == 429 || status == 503;
      case NEVER -> false;
    };
  }

  /** The wait before attempt {@code n + 1}, or empty when the policy is spent. */
  private Optional<Duration> nextWait(int n, long startNanos, Optional<Duration> retryAfter) {
    if (n >= policy.maxAttempts()) {
      return Optional.empty();
    }
    Duration wait =
        retryAfter.orElseGet(() -> policy.backoff(n, ThreadLocalRandom.current().nextDouble()));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    if (elapsed.plus(wait).compareTo(policy.maxElapsed()) > 0) {
      return Optional.empty();
    }
    return Optional.of(wait);
  }

  private void sleep(Duration d) throws IOException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException x = new InterruptedIOException("interrupted while waiting to retry");
      x.initCause(e);
      throw x;
    }
  }
}
