package io.wharf.oci.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The one place that knows Apache HttpClient 5: a pooled client that sends one exchange at a time,
 * with no redirect handling, no automatic retries, no cookies, no HTTP-level auth and no content
 * decompression (digests are over the bytes as sent), all of which the client does itself.
 */
public final class HttpTransport implements AutoCloseable {

  private final CloseableHttpClient client;

  /**
   * The transport's settings.
   *
   * @param connectTimeout the TCP/TLS connect timeout
   * @param readTimeout the longest wait for bytes from an open connection
   * @param maxConnections connections in the pool in all
   * @param maxConnectionsPerRoute connections per registry
   * @param userAgent the User-Agent
   * @param proxy the proxy selector, or null for direct connections
   * @param extraTrust CA certificates trusted besides the system's
   */
  public record Settings(
      Duration connectTimeout,
      Duration readTimeout,
      int maxConnections,
      int maxConnectionsPerRoute,
      String userAgent,
      @Nullable ProxySelector proxy,
      List<X509Certificate> extraTrust) {}

  private HttpTransport(CloseableHttpClient client) {
    this.client = client;
  }

  /** A transport with {@code settings}. */
  public static HttpTransport create(Settings settings) {
    Timeout connect = Timeout.of(settings.connectTimeout());
    Timeout read = Timeout.of(settings.readTimeout());
    PoolingHttpClientConnectionManager pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setTlsSocketStrategy(new LazyTls(settings.extraTrust()))
            .setDefaultConnectionConfig(
                ConnectionConfig.custom().setConnectTimeout(connect).setSocketTimeout(read).build())
            .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(read).build())
            .setMaxConnTotal(settings.maxConnections())
            .setMaxConnPerRoute(settings.maxConnectionsPerRoute())
            .build();
    HttpClientBuilder builder =
        HttpClients.custom()
            .setConnectionManager(pool)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setUserAgent(settings.userAgent())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setResponseTimeout(read)
                    .setConnectionRequestTimeout(Timeout.ofMinutes(5))
                    .setAuthenticationEnabled(false)
                    .build());
    if (settings.proxy() != null) {
      builder.setRoutePlanner(new SystemDefaultRoutePlanner(settings.proxy()));
    }
    return new HttpTransport(builder.build());
  }

  /**
   * TLS set up on the first TLS connection: loading the system's trust store and creating the
   * {@link SSLContext} costs a few hundred milliseconds of start-up, which a plain-HTTP session (a
   * loopback registry) never needs.
   */
  private static final class LazyTls implements TlsSocketStrategy {
    private final List<X509Certificate> extraTrust;
    private volatile @Nullable TlsSocketStrategy strategy;

    LazyTls(List<X509Certificate> extraTrust) {
      this.extraTrust = List.copyOf(extraTrust);
    }

    @Override
    public SSLSocket upgrade(
        Socket socket, String target, int port, Object attachment, HttpContext context)
        throws IOException {
      return strategy().upgrade(socket, target, port, attachment, context);
    }

    private TlsSocketStrategy strategy() {
      TlsSocketStrategy s = strategy;
      if (s == null) {
        synchronized (this) {
          s = strategy;
          if (s == null) {
            s = new DefaultClientTlsStrategy(sslContext(extraTrust));
            strategy = s;
          }
        }
      }
      return s;
    }
  }

  /** The system's trust anchors plus {@code extra}. */
  static SSLContext sslContext(List<X509Certificate> extra) {
    try {
      TrustManagerFactory system =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      system.init((KeyStore) null);
      TrustManager[] managers = system.getTrustManagers();
      if (!extra.isEmpty()) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (TrustManager m : managers) {
          if (m instanceof X509TrustManager x) {
            for (X509Certificate c : x.getAcceptedIssuers()) {
              store.setCertificateEntry("system-" + i++, c);
            }
          }
        }
        for (X509Certificate c : extra) {
          store.setCertificateEntry("extra-" + i++, c);
        }
        TrustManagerFactory combined =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        combined.init(store);
        managers = combined.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, managers, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("TLS trust could not be set up", e);
    }
  }

  /** Sends one request; the caller closes the response. */
  public HttpResponse send(HttpRequest request) throws IOException {
    BasicClassicHttpRequest r = new BasicClassicHttpRequest(request.method(), request.uri());
    for (HttpRequest.Header h : request.headers()) {
      r.addHeader(h.name(), h.value());
    }
    if (request.body().isPresent()) {
      r.setEntity(new BodyEntity(request.body().get()));
    } else if (!request.method().equals("GET")
        && !request.method().equals("HEAD")
        && !request.method().equals("DELETE")) {
      r.setEntity(new BodyEntity(EMPTY));
    }
    ClassicHttpResponse response;
    try {
      response = client.executeOpen(RoutingSupport.determineHost(r), r, HttpClientContext.create());
    } catch (HttpException e) {
      throw new IOException(request + ": " + e.getMessage(), e);
    }
    return new Response(response, request.uri(), request.method().equals("HEAD"));
  }

  private static final HttpRequest.Body EMPTY =
      new HttpRequest.Body() {
        @Override
        public long length() {
          return 0;
        }

        @Override
        public void writeTo(OutputStream out) {}
      };

  @Override
  public void close() throws IOException {
    client.close();
  }

  private static final class BodyEntity extends AbstractHttpEntity {
    private final HttpRequest.Body body;

    BodyEntity(HttpRequest.Body body) {
      super((String) null, null, false);
      this.body = body;
    }

    @Override
    public InputStream getContent() {
      throw new UnsupportedOperationException("a request body writes itself");
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      body.writeTo(out);
    }

    @Override
    public long getContentLength() {
      return body.length();
    }

    @Override
    public boolean isRepeatable() {
      return false;
    }

    @Override
    public boolean isStreaming() {
      return false;
    }

    @Override
    public void close() {}
  }

  private static final class Response implements HttpResponse {
    private final ClassicHttpResponse response;
    private final URI uri;
    private final boolean head;

    Response(ClassicHttpResponse response, URI uri, boolean head) {
      this.response = response;
      this.uri = uri;
      this.head = head;
    }

    @Override
    public int status() {
      return response.getCode();
    }

    @Override
    public URI uri() {
      return uri;
    }

    @Override
    public List<String> headers(String name) {
      List<String> values = new ArrayList<>();
      for (Header h : response.getHeaders(name)) {
        values.add(h.getValue());
      }
      return values;
    }

    @Override
    public InputStream body() throws IOException {
      HttpEntity entity = response.getEntity();
      if (head || entity == null) {
        return InputStream.nullInputStream();
      }
      return entity.getContent();
    }

    @Override
    public void close() throws IOException {
      response.close();
    }
  }
}
