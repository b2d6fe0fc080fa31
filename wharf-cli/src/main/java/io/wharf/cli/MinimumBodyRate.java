package io.wharf.cli;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;

/**
 * Fails the body read of a request whose body arrives slower than a minimum rate, counted for that
 * request alone. Jetty's own {@code MinimumDataRateHandler} (12.0 and 12.1) divides the bytes every
 * request of the server has read by one request's time, so once the server has received a few
 * megabytes, any trickle passes; this one counts each request's bytes.
 *
 * <p>The rate is checked each time the reader waits for more bytes (Jetty's {@code demand}), from
 * the first wait on, once {@link #GRACE} has passed: a small body on a slow link is never judged on
 * its first round trip. A request whose client sends nothing at all is left to the idle timeout. A
 * failed read ends the body with a {@link TimeoutException} ("request body slower than ..."); the
 * registry keeps what an upload received, and the client can resume it.
 */
final class MinimumBodyRate extends Handler.Wrapper {

  /** How long a body may take before its rate is judged. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private final long bytesPerSecond;

  MinimumBodyRate(Handler handler, long bytesPerSecond) {
    super(handler);
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("the minimum rate must be at least 1 byte per second");
    }
    this.bytesPerSecond = bytesPerSecond;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return super.handle(new RateRequest(request), response, callback);
  }

  private final class RateRequest extends Request.Wrapper {
    // Read and demand come one after another (a reader reads, then demands when there is
    // nothing), possibly from different threads: volatile for visibility, no races to guard.
    private volatile long firstDemand;
    private volatile long bytes;
    private volatile Content.Chunk failure;

    RateRequest(Request request) {
      super(request);
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk failed = failure;
      if (failed != null) {
        return failed;
      }
      Content.Chunk chunk = super.read();
      if (chunk != null) {
        bytes += chunk.remaining();
      }
      return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
      long now = NanoTime.now();
      if (firstDemand == 0) {
        firstDemand = now == 0 ? 1 : now;
      } else {
        long elapsed = NanoTime.elapsed(firstDemand, now);
        if (elapsed > GRACE.toNanos() && bytes < bytesPerSecond * (elapsed / 1_000_000_000L)) {
          failure =
              Content.Chunk.from(
                  new TimeoutException(
                      "request body slower than "
                          + bytesPerSecond
                          + " bytes per second: "
                          + bytes
                          + " bytes in "
                          + elapsed / 1_000_000
                          + " ms"));
          demandCallback.run();
          return;
        }
      }
      super.demand(demandCallback);
    }
  }
}
