package io.wharf.oci.client;

import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory Wharf registry behind a front that tests script: it records every request (method,
 * path, query, Authorization) and lets an {@link Interceptor} answer instead of the registry, or
 * change the registry's answer, to inject faults, auth and redirects.
 */
final class FrontHandler implements RegistryHandler {

  /** Answers a request itself, or passes it on with {@code registry.handle(request)}. */
  @FunctionalInterface
  interface Interceptor {
    RegistryResponse handle(RegistryRequest request, RegistryHandler registry) throws IOException;
  }

  /** One recorded request. */
  record Seen(String method, String path, String query, String authorization) {
    @Override
    public String toString() {
      return method + " " + path + (query.isEmpty() ? "" : "?" + query);
    }
  }

  final Registry registry;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  volatile Interceptor interceptor = (request, registry) -> registry.handle(request);

  FrontHandler(Registry.Builder builder) {
    this.registry = builder.build();
  }

  FrontHandler() {
    this(Registry.builder(RegistryStorage.inMemory()));
  }

  @Override
  public RegistryResponse handle(RegistryRequest request) throws IOException {
    seen.add(
        new Seen(
            request.method().name(),
            request.path(),
            request.rawQuery(),
            request.headers().first("Authorization").orElse("")));
    return interceptor.handle(request, registry);
  }

  long count(String method, String pathPart) {
    return seen.stream()
        .filter(s -> s.method().equals(method) && s.path().contains(pathPart))
        .count();
  }
}
