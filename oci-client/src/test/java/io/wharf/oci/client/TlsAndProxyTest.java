package io.wharf.oci.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.testing.RegistryExtension;
import io.wharf.oci.storage.RegistryStorage;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client over TLS with an extra trusted CA, and through an HTTP proxy (CONNECT), against an
 * in-process registry behind a TLS-terminating front. The certificate comes from the JDK's {@code
 * keytool}, with the loopback address as its subject alternative name.
 */
class TlsAndProxyTest {

  private static final String PASSWORD = "changeit";
  @TempDir static Path keys;
  private static Path keyStore;
  private static Path caPem;

  @RegisterExtension
  final RegistryExtension server =
      RegistryExtension.of(() -> Registry.builder(RegistryStorage.inMemory()).build());

  private TlsFront front;
  private ConnectProxy proxy;
  private RegistryHost host;

  @BeforeAll
  static void makeCertificate() throws Exception {
    keyStore = keys.resolve("server.p12");
    caPem = keys.resolve("ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "wharf",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "wharf",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        caPem.toString());
  }

  private static void keytool(String... args) throws Exception {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Path tool = java.resolveSibling("keytool");
    List<String> command = new java.util.ArrayList<>(List.of(tool.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), ISO_8859_1);
    assertThat(p.waitFor()).as("keytool %s: %s", args[0], out).isZero();
  }

  @BeforeEach
  void start(URI registry) throws Exception {
    front = new TlsFront(new InetSocketAddress("127.0.0.1", registry.getPort()));
    host = new RegistryHost("127.0.0.1:" + front.port());
    proxy = new ConnectProxy();
  }

  @AfterEach
  void stop() throws IOException {
    front.close();
    proxy.close();
  }

  private RegistryClient.Builder tlsClient() {
    return RegistryClient.builder().plainHttpForLoopback(false).retryPolicy(RetryPolicy.NONE);
  }

  private static void pushAndPull(RegistryClient client, RegistryHost host) throws IOException {
    Repository repo = new Repository(host, RepositoryName.of("tls/app"));
    Bytes blob = Bytes.of("bytes over TLS".getBytes(ISO_8859_1));
    Digest digest = client.pushBlob(repo, BlobSource.of(blob));
    try (InputStream in = client.openBlob(repo, digest, blob.size())) {
      assertThat(in.readAllBytes()).isEqualTo(blob.toByteArray());
    }
  }

  @Test
  void trustsAnExtraCertificateAuthority() throws Exception {
    try (RegistryClient client = tlsClient().trustCertificates(caPem).build()) {
      assertThat(client.ping(host)).isTrue();
      pushAndPull(client, host);
    }
    assertThat(front.connections()).isPositive();
  }

  @Test
  void refusesAServerItDoesNotTrust() throws Exception {
    try (RegistryClient client = tlsClient().build()) {
      assertThatThrownBy(() -> client.ping(host))
          .satisfies(
              e -> {
                Throwable t = e;
                while (t != null && !(t instanceof SSLException)) {
                  t = t.getCause();
                }
                assertThat(t).as("an SSLException in the chain of %s", e).isNotNull();
              });
    }
  }

  @Test
  void goesThroughAnHttpProxy() throws Exception {
    try (RegistryClient client =
        tlsClient().trustCertificates(caPem).proxy(proxy.address()).build()) {
      pushAndPull(client, host);
    }
    assertThat(proxy.requests()).isNotEmpty().allMatch(r -> r.equals("CONNECT " + host));
  }

  /** Copies bytes one way until either side closes. */
  private static Thread pump(InputStream in, OutputStream out, Closeable... closeWhenDone) {
    Thread t =
        new Thread(
            () -> {
              try {
                in.transferTo(out);
              } catch (IOException e) {
                // the other direction closed the sockets
              } finally {
                for (Closeable c : closeWhenDone) {
                  try {
                    c.close();
                  } catch (IOException ignored) {
                    // closing anyway
                  }
                }
              }
            },
            "test-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** A server socket that hands every accepted connection to {@code serve} on its own thread. */
  private abstract static class Front implements Closeable {
    final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();

    Front(ServerSocket socket) {
      this.socket = socket;
      Thread accept =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    serve(s);
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "test-accept");
      accept.setDaemon(true);
      accept.start();
    }

    abstract void serve(Socket client) throws IOException;

    int port() {
      return socket.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Terminates TLS and forwards the plain bytes to the registry. */
  private static final class TlsFront extends Front {
    private final InetSocketAddress target;

    TlsFront(InetSocketAddress target) throws Exception {
      super(tlsServerSocket());
      this.target = target;
    }

    private static ServerSocket tlsServerSocket() throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        ks.load(in, PASSWORD.toCharArray());
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD.toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      SSLServerSocket s =
          (SSLServerSocket)
              tls.getServerSocketFactory()
                  .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      return s;
    }

    @Override
    void serve(Socket client) throws IOException {
      Socket upstream = new Socket(target.getAddress(), target.getPort());
      pump(client.getInputStream(), upstream.getOutputStream(), client, upstream);
      pump(upstream.getInputStream(), client.getOutputStream(), client, upstream);
    }
  }

  /** An HTTP proxy that only tunnels ({@code CONNECT host:port}), recording each request line. */
  private static final class ConnectProxy extends Front {
    private final List<String> requests = new CopyOnWriteArrayList<>();

    ConnectProxy() throws IOException {
      super(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    List<String> requests() {
      return requests;
    }

    @Override
    void serve(Socket client) throws IOException {
      String head = readHead(client.getInputStream());
      String requestLine = head.substring(0, head.indexOf("\r\n"));
      String[] parts = requestLine.split(" ");
      requests.add(parts[0] + " " + parts[1]);
      if (!parts[0].equals("CONNECT")) {
        client.getOutputStream().write("HTTP/1.1 405 Only CONNECT\r\n\r\n".getBytes(ISO_8859_1));
        client.close();
        return;
      }
      Function<String, Integer> port =
          hp -> Integer.parseInt(hp.substring(hp.lastIndexOf(':') + 1));
      String hostPort = parts[1];
      Socket upstream =
          new Socket(hostPort.substring(0, hostPort.lastIndexOf(':')), port.apply(hostPort));
      client
          .getOutputStream()
          .write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(ISO_8859_1));
      pump(client.getInputStream(), upstream.getOutputStream(), client, upstream);
      pump(upstream.getInputStream(), client.getOutputStream(), client, upstream);
    }

    /** The request head up to the blank line, at most 8 KiB. */
    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (head.size() < 8192) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("the client closed before its request head ended");
        }
        head.write(b);
        String s = head.toString(ISO_8859_1);
        if (s.endsWith("\r\n\r\n")) {
          return s;
        }
      }
      throw new IOException("request head longer than 8 KiB");
    }
  }
}
