package io.wharf.oci.server;

import java.util.Locale;
import java.util.Optional;

/** The HTTP methods the distribution API uses. */
public enum HttpMethod {
  /** Read. */
  GET,
  /** Read headers only. */
  HEAD,
  /** Start an upload. */
  POST,
  /** Finish an upload, push a manifest. */
  PUT,
  /** Upload a chunk. */
  PATCH,
  /** Delete. */
  DELETE;

  /** The method named {@code name} (any case), if the API uses it. */
  public static Optional<HttpMethod> lookup(String name) {
    try {
      return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
