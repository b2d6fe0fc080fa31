package io.wharf.cli;

/**
 * What {@code wharf serve} lets slow and greedy clients hold of its HTTP side. A request body holds
 * a request thread for as long as its client takes to send it; these bounds keep threads for
 * everyone else. A request with a body over a bound is answered at once with 429 {@code
 * TOOMANYREQUESTS}, {@code Retry-After: 1} and {@code Connection: close}, without reading the body;
 * requests without a body are never refused by them.
 *
 * @param maxBodies the most request bodies received at once, from all clients; below {@link
 *     #MAX_BODIES_BOUND}
 * @param maxBodiesPerClient the most request bodies received at once from one client address
 * @param minBodyRate the slowest a request body may arrive, in bytes per second, checked as its
 *     bytes arrive (a slower upload keeps what arrived and is answered 400, and its client can
 *     resume it)
 */
public record HttpLimits(int maxBodies, int maxBodiesPerClient, int minBodyRate) {

  /**
   * {@code maxBodies} must stay below this, the number of request threads less eight, so that
   * requests without a body are answered while every body permit is taken.
   */
  public static final int MAX_BODIES_BOUND = JettyEndpoint.MAX_THREADS - 8;

  /** Checks the values. */
  public HttpLimits {
    if (maxBodies < 1 || maxBodiesPerClient < 1) {
      throw new IllegalArgumentException(
          "body limits must be at least 1: maxBodies "
              + maxBodies
              + ", maxBodiesPerClient "
              + maxBodiesPerClient);
    }
    if (maxBodies >= MAX_BODIES_BOUND) {
      throw new IllegalArgumentException(
          "maxBodies must be below "
              + MAX_BODIES_BOUND
              + ", so that requests without a body are answered: "
              + maxBodies);
    }
    if (minBodyRate < 1) {
      throw new IllegalArgumentException("minBodyRate must be at least 1 byte per second");
    }
  }

  /**
   * 128 bodies at once, 16 from one client address, at least 1 KiB per second: at least 72 of the
   * 200 request threads stay for requests without a body.
   */
  public static HttpLimits defaults() {
    return new HttpLimits(128, 16, 1024);
  }

  /** These limits with at most {@code max} bodies at once. */
  public HttpLimits withMaxBodies(int max) {
    return new HttpLimits(max, maxBodiesPerClient, minBodyRate);
  }

  /** These limits with at most {@code max} bodies at once from one client address. */
  public HttpLimits withMaxBodiesPerClient(int max) {
    return new HttpLimits(maxBodies, max, minBodyRate);
  }

  /** These limits with bodies arriving at least at {@code bytesPerSecond}. */
  public HttpLimits withMinBodyRate(int bytesPerSecond) {
    return new HttpLimits(maxBodies, maxBodiesPerClient, bytesPerSecond);
  }
}
