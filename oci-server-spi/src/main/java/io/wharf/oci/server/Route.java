package io.wharf.oci.server;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.UnsupportedOciException;
import io.wharf.oci.model.ref.RepositoryName;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a request goes: its endpoint, repository and the last path element (digest, reference or
 * upload id), parsed from the path. Repository names may contain {@code /}, so the API's fixed
 * suffixes are matched from the end.
 */
record Route(Endpoint endpoint, Optional<RepositoryName> repository, String target) {

  /** The longest path routed; longer paths are refused before any parsing. */
  static final int MAX_PATH_LENGTH = 2048;

  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/?([^/]*)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/([^/]+)");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
  private static final Pattern REFERRERS = Pattern.compile("/v2/(.+)/referrers/([^/]+)");

  static Route of(HttpMethod method, String path) {
    if (path.length() > MAX_PATH_LENGTH) {
      throw new io.wharf.oci.model.error.InvalidContentException(
          ErrorCode.NAME_INVALID, "path is too long");
    }
    if (path.equals("/v2/") || path.equals("/v2")) {
      return only(method, Endpoint.END_1, null, "", HttpMethod.GET, HttpMethod.HEAD);
    }
    if (path.equals("/v2/_catalog")) {
      return only(method, Endpoint.CATALOG, null, "", HttpMethod.GET);
    }
    Matcher m = UPLOADS.matcher(path);
    if (m.matches()) {
      String id = m.group(2);
      if (id.isEmpty()) {
        return only(method, Endpoint.END_4, m.group(1), "", HttpMethod.POST);
      }
      switch (method) {
        case PATCH:
          return route(Endpoint.END_5, m.group(1), id);
        case PUT:
          return route(Endpoint.END_6, m.group(1), id);
        case GET:
          return route(Endpoint.END_13, m.group(1), id);
        case DELETE:
          return route(Endpoint.END_14, m.group(1), id);
        default:
          throw unsupported(method, path);
      }
    }
    m = BLOB.matcher(path);
    if (m.matches()) {
      switch (method) {
        case GET:
        case HEAD:
          return route(Endpoint.END_2, m.group(1), m.group(2));
        case DELETE:
          return route(Endpoint.END_10, m.group(1), m.group(2));
        default:
          throw unsupported(method, path);
      }
    }
    m = MANIFEST.matcher(path);
    if (m.matches()) {
      switch (method) {
        case GET:
        case HEAD:
          return route(Endpoint.END_3, m.group(1), m.group(2));
        case PUT:
          return route(Endpoint.END_7, m.group(1), m.group(2));
        case DELETE:
          return route(Endpoint.END_9, m.group(1), m.group(2));
        default:
          throw unsupported(method, path);
      }
    }
    m = TAGS.matcher(path);
    if (m.matches()) {
      return only(method, Endpoint.END_8, m.group(1), "", HttpMethod.GET, HttpMethod.HEAD);
    }
    m = REFERRERS.matcher(path);
    if (m.matches()) {
      return only(method, Endpoint.END_12, m.group(1), m.group(2), HttpMethod.GET);
    }
    throw new NotFoundException(ErrorCode.NAME_UNKNOWN, "no such endpoint: " + abbreviate(path));
  }

  private static Route only(
      HttpMethod method, Endpoint e, String name, String target, HttpMethod... allowed) {
    for (HttpMethod a : allowed) {
      if (a == method) {
        return name == null ? new Route(e, Optional.empty(), target) : route(e, name, target);
      }
    }
    throw new UnsupportedOciException(
        ErrorCode.UNSUPPORTED, method + " is not allowed on this endpoint", null, 405, null);
  }

  private static Route route(Endpoint e, String name, String target) {
    return new Route(e, Optional.of(new RepositoryName(name)), target);
  }

  private static UnsupportedOciException unsupported(HttpMethod method, String path) {
    return new UnsupportedOciException(
        ErrorCode.UNSUPPORTED, method + " is not allowed on " + abbreviate(path), null, 405, null);
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }

  RepositoryName name() {
    return repository.orElseThrow();
  }
}
