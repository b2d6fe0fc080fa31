package io.wharf.oci.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.server.Headers;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistryExtensionPerMethodTest {

  static final Set<URI> SEEN = ConcurrentHashMap.newKeySet();
  static final AtomicInteger CREATED = new AtomicInteger();
  static final AtomicInteger CLOSED = new AtomicInteger();

  /** A handler that counts its closing. */
  static final class Closeable implements RegistryHandler, AutoCloseable {
    Closeable() {
      CREATED.incrementAndGet();
    }

    @Override
    public RegistryResponse handle(RegistryRequest request) {
      return RegistryResponse.of(204, Headers.empty());
    }

    @Override
    public void close() {
      CLOSED.incrementAndGet();
    }
  }

  @RegisterExtension RegistryExtension registry = RegistryExtension.of(Closeable::new);

  @AfterAll
  static void oneServerPerMethodAndHandlersClosed() {
    assertThat(SEEN).hasSize(2);
    assertThat(CREATED).hasValue(2);
    assertThat(CLOSED).hasValue(2);
  }

  @Test
  void first(URI uri) {
    SEEN.add(uri);
  }

  @Test
  void second(URI uri) {
    SEEN.add(uri);
  }
}
