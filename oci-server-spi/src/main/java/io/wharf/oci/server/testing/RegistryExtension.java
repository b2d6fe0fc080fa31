package io.wharf.oci.server.testing;

import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.jdk.JdkHttpTransport;
import io.wharf.oci.server.jdk.RegistryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a registry on {@code 127.0.0.1} and a free port for a test class or each test method, with
 * the JDK transport:
 *
 * <pre>{@code
 * @RegisterExtension static RegistryExtension registry = RegistryExtension.of(() -> handler);
 *
 * @Test void pulls(URI registryUri, RegistryServer server) { ... }
 * }</pre>
 *
 * In a {@code static} field the server lives for the whole class; in an instance field each test
 * method gets a fresh handler and server. Test and lifecycle methods may declare parameters of type
 * {@link URI} (the base URI, {@code http://127.0.0.1:port}) and {@link RegistryServer}. The server
 * is closed afterwards, and the handler too when it is {@link AutoCloseable}. JUnit Jupiter is an
 * optional dependency: the user's test classpath provides it.
 *
 * <p>An in-memory registry factory, {@code inMemory()} = {@code of(() ->
 * Registry.builder(RegistryStorage.inMemory()).build())}, belongs here once the engine's {@code
 * Registry} exists.
 */
public final class RegistryExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {

  private final Supplier<? extends RegistryHandler> handlers;
  private @Nullable RegistryServer server;
  private @Nullable RegistryHandler handler;
  private boolean perClass;

  private RegistryExtension(Supplier<? extends RegistryHandler> handlers) {
    this.handlers = Objects.requireNonNull(handlers, "handlers");
  }

  /** An extension serving a handler made by {@code handlers} for each server it starts. */
  public static RegistryExtension of(Supplier<? extends RegistryHandler> handlers) {
    return new RegistryExtension(handlers);
  }

  /** The running server; fails outside a test. */
  public RegistryServer server() {
    RegistryServer s = server;
    if (s == null) {
      throw new IllegalStateException("the registry runs only during tests");
    }
    return s;
  }

  /** The running server's base URI, {@code http://127.0.0.1:port}; fails outside a test. */
  public URI uri() {
    return server().uri();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      stop();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == URI.class || type == RegistryServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    RegistryServer s = server;
    if (s == null) {
      throw new ParameterResolutionException(
          "no registry is running for "
              + parameter.getDeclaringExecutable()
              + " (an instance-field RegistryExtension starts only for each test method)");
    }
    return parameter.getParameter().getType() == URI.class ? s.uri() : s;
  }

  private void start() {
    RegistryHandler h = handlers.get();
    try {
      server =
          JdkHttpTransport.of(h)
              .shutdownTimeout(Duration.ofSeconds(5))
              .start(new InetSocketAddress("127.0.0.1", 0));
      handler = h;
    } catch (IOException e) {
      closeHandler(h);
      throw new UncheckedIOException("cannot start the registry", e);
    }
  }

  private void stop() throws Exception {
    RegistryServer s = server;
    RegistryHandler h = handler;
    server = null;
    handler = null;
    if (s != null) {
      s.close();
    }
    if (h instanceof AutoCloseable) {
      ((AutoCloseable) h).close();
    }
  }

  private static void closeHandler(RegistryHandler h) {
    if (h instanceof AutoCloseable) {
      try {
        ((AutoCloseable) h).close();
      } catch (Exception e) {
        // Starting failed already; that is the error to report.
      }
    }
  }
}
