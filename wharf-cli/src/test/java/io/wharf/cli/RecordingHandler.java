package io.wharf.cli;

import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Wraps a handler and records every request it answered, to see what a client really did. */
final class RecordingHandler implements RegistryHandler {

  /** One request and the status it got. */
  record Exchange(String method, String path, String query, int status) {
    @Override
    public String toString() {
      return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " -> " + status;
    }
  }

  private final RegistryHandler delegate;
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

  RecordingHandler(RegistryHandler delegate) {
    this.delegate = delegate;
  }

  @Override
  public RegistryResponse handle(RegistryRequest request) throws IOException {
    RegistryResponse response = delegate.handle(request);
    exchanges.add(
        new Exchange(
            request.method().name(), request.path(), request.rawQuery(), response.status()));
    return response;
  }

  /** The exchanges recorded so far that match {@code filter}. */
  List<Exchange> matching(Predicate<Exchange> filter) {
    return exchanges.stream().filter(filter).toList();
  }

  /** Forgets what was recorded. */
  void clear() {
    exchanges.clear();
  }
}
