package io.wharf.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the credentials in a request cost the HTTP server before Wharf sees them: Jetty's {@code
 * HttpParser} (the parser of {@code wharf serve}) parsing a manifest GET's request head with an
 * {@code Authorization} header of 0 to 542 characters. The parser reads a header's value one byte
 * at a time, about 5 ns a byte here (more under load): for a bearer token this is the largest part
 * of what token auth adds to a manifest GET, which is why Wharf's access tokens carry no claim a
 * verifier can do without. Mode AverageTime in nanoseconds.
 *
 * <pre>java -jar target/benchmarks.jar HeaderParseBenchmark</pre>
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class HeaderParseBenchmark {

  /**
   * The {@code Authorization} header's value in characters: none, Basic credentials (34), a bearer
   * token of Wharf's as issued now (436) and as issued before its claims were trimmed (542).
   */
  @Param({"0", "34", "443", "542"})
  public int authorization;

  private ByteBuffer request;
  private HttpParser parser;
  private Blackhole hole;

  @Setup
  public void setUp(Blackhole hole) {
    this.hole = hole;
    StringBuilder value = new StringBuilder("Bearer ");
    while (value.length() < authorization) {
      value.append("eyJraWQiOiI1SEdYOkFVR1I6VTJRQzoy.");
    }
    value.setLength(authorization);
    String text =
        "GET /v2/bench/img/manifests/v1 HTTP/1.1\r\nHost: 127.0.0.1:40123\r\n"
            + "Accept: application/vnd.oci.image.manifest.v1+json\r\n"
            + (authorization > 0 ? "Authorization: " + value + "\r\n" : "")
            + "\r\n";
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    request = ByteBuffer.allocateDirect(bytes.length); // as Jetty reads; a heap buffer parses alike
    request.put(bytes).flip();
    parser = new HttpParser(new Handler());
  }

  /** One request head parsed, from its first byte to the end of its headers. */
  @Benchmark
  public boolean parse() {
    ByteBuffer b = request.duplicate();
    parser.reset();
    boolean done = false;
    while (b.hasRemaining() && !done) {
      done = parser.parseNext(b);
    }
    return done;
  }

  /** Hands what the parser found to the blackhole; stops at the end of the head. */
  private final class Handler implements HttpParser.RequestHandler {
    @Override
    public void startRequest(String method, String uri, HttpVersion version) {
      hole.consume(uri);
    }

    @Override
    public void parsedHeader(HttpField field) {
      hole.consume(field);
    }

    @Override
    public boolean headerComplete() {
      return false;
    }

    @Override
    public boolean content(ByteBuffer item) {
      return false;
    }

    @Override
    public boolean contentComplete() {
      return false;
    }

    @Override
    public boolean messageComplete() {
      return true;
    }

    @Override
    public void earlyEOF() {}
  }
}
