package io.wharf.oci.verify;

import io.wharf.oci.server.Registry;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory Wharf registry that records each request ({@code GET /v2/...}) and can hide its
 * referrers API (404, as a registry without one answers), so that the referrers tag schema is used.
 */
final class CountingRegistry implements RegistryHandler {

  private final Registry registry = Registry.builder(RegistryStorage.inMemory()).build();
  final List<String> seen = new CopyOnWriteArrayList<>();
  volatile boolean referrersApi = true;

  @Override
  public RegistryResponse handle(RegistryRequest request) throws IOException {
    String line = request.method().name() + " " + request.path();
    seen.add(line);
    if (!referrersApi && request.path().contains("/referrers/")) {
      return RegistryResponse.of(404, io.wharf.oci.server.Headers.empty());
    }
    return registry.handle(request);
  }

  /** How many requests of {@code method} had {@code pathPart} in their path. */
  long count(String method, String pathPart) {
    return seen.stream().filter(s -> s.startsWith(method + " ") && s.contains(pathPart)).count();
  }
}
