package io.wharf.oci.server.transport;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.server.RegistryResponse;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many requests with a body (uploads: {@code PATCH}, {@code PUT}, {@code POST} with
 * content) are received at once, in all and per client address. A request body holds a request
 * thread for as long as its client takes to send it, and a slow or hostile client sends slowly:
 * without a bound, a few hundred trickling uploads take every thread, and no other client is
 * answered. Requests without a body ({@code GET}, {@code HEAD}, {@code DELETE}, an empty {@code
 * POST}) are never counted or refused, so other clients and the same client still read while the
 * bound is reached. A request over the bound is answered at once with {@link #refused()}. Shared by
 * both transports; thread-safe.
 */
public final class BodyPermits {

  /** No bound. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  private final int perClient;
  private final int total;
  private final AtomicInteger inUse = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> byClient = new ConcurrentHashMap<>();

  /**
   * Permits for at most {@code total} requests with a body at once, and at most {@code perClient}
   * from one client address.
   *
   * @throws IllegalArgumentException when either is below 1
   */
  public BodyPermits(int perClient, int total) {
    if (perClient < 1 || total < 1) {
      throw new IllegalArgumentException(
          "body limits must be at least 1: " + perClient + " per client, " + total + " in all");
    }
    this.perClient = perClient;
    this.total = total;
  }

  /** The most requests with a body from one client address at once. */
  public int perClient() {
    return perClient;
  }

  /** The most requests with a body at once. */
  public int total() {
    return total;
  }

  /**
   * Whether a request has a body, from its {@code Content-Length} (null when absent) and whether it
   * has a {@code Transfer-Encoding}.
   */
  public static boolean hasBody(String contentLength, boolean transferEncoding) {
    if (transferEncoding) {
      return true;
    }
    if (contentLength == null) {
      return false;
    }
    String s = contentLength.strip();
    return !s.isEmpty() && !s.chars().allMatch(c -> c == '0');
  }

  /**
   * Takes a permit for a request with a body from {@code client} (empty: an address the transport
   * does not know, counted in the total only). Returns false, taking nothing, when a bound is
   * reached; otherwise the caller must {@link #release} the same client once the body is read.
   */
  public boolean tryAcquire(Optional<InetAddress> client) {
    if (inUse.incrementAndGet() > total) {
      inUse.decrementAndGet();
      return false;
    }
    if (client.isEmpty()) {
      return true;
    }
    boolean[] taken = {false};
    byClient.compute(
        client.get(),
        (a, n) -> {
          int now = n == null ? 0 : n;
          if (now >= perClient) {
            return n;
          }
          taken[0] = true;
          return now + 1;
        });
    if (!taken[0]) {
      inUse.decrementAndGet();
    }
    return taken[0];
  }

  /** Returns the permit {@link #tryAcquire} gave for {@code client}. */
  public void release(Optional<InetAddress> client) {
    client.ifPresent(a -> byClient.computeIfPresent(a, (k, n) -> n <= 1 ? null : n - 1));
    inUse.decrementAndGet();
  }

  /** Requests with a body being received now (for tests and metrics). */
  public int inUse() {
    return inUse.get();
  }

  /**
   * 429 with a {@code TOOMANYREQUESTS} error, {@code Retry-After: 1} and {@code Connection: close}
   * (the body is not read, so the connection cannot carry another request).
   */
  public static RegistryResponse refused() {
    return TransportSupport.retryLater(
        429,
        ErrorCode.TOOMANYREQUESTS,
        "too many uploads in progress from this client or in all; try again later");
  }
}
