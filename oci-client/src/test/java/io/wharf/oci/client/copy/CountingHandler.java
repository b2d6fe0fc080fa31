package io.wharf.oci.client.copy;

import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.ResponseBody;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry handler decorator for the copy tests: records every request ({@code METHOD
 * path?query}), counts blob GETs in flight (the highest count reached), can slow blob GETs down,
 * and can tamper with blob bodies (one byte flipped), as a corrupt registry or a man in the middle
 * would.
 */
final class CountingHandler implements RegistryHandler {

  private final RegistryHandler delegate;
  final List<String> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  volatile boolean tamper;

  /**
   * When set, each blob GET waits here until this many are in flight together (at most 30 s, after
   * which it goes on and the test's count tells): the overlap a parallelism test needs, reached as
   * a state rather than hoped for from a delay.
   */
  volatile CountDownLatch blobGetsTogether;

  CountingHandler(RegistryHandler delegate) {
    this.delegate = delegate;
  }

  @Override
  public RegistryResponse handle(RegistryRequest request) throws IOException {
    String line =
        request.method().name()
            + " "
            + request.path()
            + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
    seen.add(line);
    boolean blobGet =
        request.method().name().equals("GET") && request.path().contains("/blobs/sha");
    if (!blobGet) {
      return delegate.handle(request);
    }
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      CountDownLatch together = blobGetsTogether;
      if (together != null) {
        together.countDown();
        together.await(30, TimeUnit.SECONDS);
      }
      RegistryResponse r = delegate.handle(request);
      if (!tamper || r.body().isEmpty()) {
        return r;
      }
      ResponseBody original = r.body().get();
      ResponseBody flipped =
          new ResponseBody() {
            @Override
            public long contentLength() {
              return original.contentLength();
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
              original.writeTo(
                  new FilterOutputStream(out) {
                    private boolean done;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                      if (!done && len > 0) {
                        byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
                        copy[0] ^= 1;
                        done = true;
                        out.write(copy);
                      } else {
                        out.write(b, off, len);
                      }
                    }

                    @Override
                    public void write(int b) throws IOException {
                      write(new byte[] {(byte) b}, 0, 1);
                    }
                  });
            }
          };
      return new RegistryResponse(r.status(), r.headers(), java.util.Optional.of(flipped));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  long count(String method, String pathPart) {
    return seen.stream().filter(s -> s.startsWith(method + " ") && s.contains(pathPart)).count();
  }

  void clear() {
    seen.clear();
  }
}
