package io.wharf.oci.server;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.error.NotFoundException;
import io.wharf.oci.model.error.UnsupportedOciException;
import io.wharf.oci.model.ref.RepositoryName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a request goes, found from {@link Endpoint}'s table: the endpoint, the repository and the
 * last path element (a digest, a reference or an upload session id). Repository names may contain
 * {@code /}, so the API's fixed parts are matched around them; templates are tried most literal
 * first, so {@code /v2/x/blobs/uploads/} is an upload, not blob {@code uploads} of {@code x}.
 *
 * @param endpoint the endpoint
 * @param repository the repository, for every endpoint but end-1 and {@code _catalog}
 * @param target the last path element, empty when the template has none
 */
record Route(Endpoint endpoint, Optional<RepositoryName> repository, String target) {

  /** The longest path routed; longer paths are refused before any parsing. */
  static final int MAX_PATH_LENGTH = 2048;

  /**
   * One path template and the endpoints that share it, in table order. {@code marker} is a literal
   * part of the template a matching path must contain (after {@code /v2/}), checked before the
   * regular expression runs: most templates are ruled out by it at the cost of one search.
   */
  private record Template(
      Pattern pattern, boolean hasName, int literals, String marker, List<Endpoint> endpoints) {
    static Template of(String template, List<Endpoint> endpoints) {
      StringBuilder regex = new StringBuilder();
      Matcher m = Pattern.compile("<([a-z]+)>").matcher(template);
      int last = 0;
      int literals = 0;
      boolean hasName = false;
      while (m.find()) {
        regex.append(Pattern.quote(template.substring(last, m.start())));
        literals += m.start() - last;
        if (m.group(1).equals("name")) {
          regex.append("(.+)");
          hasName = true;
        } else {
          regex.append("([^/]+)");
        }
        last = m.end();
      }
      String tail = template.substring(last);
      literals += tail.length();
      if (tail.endsWith("/")) {
        regex.append(Pattern.quote(tail.substring(0, tail.length() - 1))).append("/?");
      } else {
        regex.append(Pattern.quote(tail));
      }
      String marker = "";
      for (String part : template.split("<[a-z]+>")) {
        String literal = part.startsWith("/v2/") ? part.substring(4) : part;
        if (literal.endsWith("/") && literal.length() > 1) {
          literal = literal.substring(0, literal.length() - 1);
        }
        if (literal.length() > marker.length()) {
          marker = literal;
        }
      }
      return new Template(Pattern.compile(regex.toString()), hasName, literals, marker, endpoints);
    }
  }

  private static final List<Template> TEMPLATES = templates();

  private static List<Template> templates() {
    Map<String, List<Endpoint>> byTemplate = new LinkedHashMap<>();
    for (Endpoint e : Endpoint.values()) {
      byTemplate.computeIfAbsent(e.pathTemplate(), t -> new ArrayList<>()).add(e);
    }
    List<Template> result = new ArrayList<>();
    byTemplate.forEach((t, endpoints) -> result.add(Template.of(t, List.copyOf(endpoints))));
    result.sort(Comparator.comparingInt(Template::literals).reversed());
    return List.copyOf(result);
  }

  /**
   * The route of a request.
   *
   * @param queryNames the names of the query parameters present
   * @throws NotFoundException NAME_UNKNOWN for a path no endpoint has
   * @throws UnsupportedOciException 405 for a method the path does not take
   * @throws InvalidContentException NAME_INVALID for a bad repository name
   */
  static Route of(HttpMethod method, String path, Set<String> queryNames) {
    if (path.length() > MAX_PATH_LENGTH) {
      throw new InvalidContentException(ErrorCode.NAME_INVALID, "path is too long");
    }
    for (Template t : TEMPLATES) {
      if (!t.marker().isEmpty() && path.indexOf(t.marker(), 3) < 0) {
        continue;
      }
      Matcher m = t.pattern().matcher(path);
      if (!m.matches()) {
        continue;
      }
      Endpoint endpoint = select(t.endpoints(), method, queryNames, path);
      Optional<RepositoryName> repository =
          t.hasName() ? Optional.of(new RepositoryName(m.group(1))) : Optional.empty();
      int targetGroup = t.hasName() ? 2 : 1;
      String target = m.groupCount() >= targetGroup ? m.group(targetGroup) : "";
      return new Route(endpoint, repository, target);
    }
    throw new NotFoundException(ErrorCode.NAME_UNKNOWN, "no such endpoint: " + abbreviate(path));
  }

  private static Endpoint select(
      List<Endpoint> candidates, HttpMethod method, Set<String> queryNames, String path) {
    Endpoint plain = null;
    for (Endpoint e : candidates) {
      if (!e.allows(method)) {
        continue;
      }
      if (e.selectors().isEmpty()) {
        plain = plain == null ? e : plain;
      } else if (e.selectors().stream().anyMatch(queryNames::contains)) {
        return e;
      }
    }
    if (plain != null) {
      return plain;
    }
    Set<HttpMethod> allowed = EnumSet.noneOf(HttpMethod.class);
    candidates.forEach(e -> allowed.addAll(e.methods()));
    throw new UnsupportedOciException(
        ErrorCode.UNSUPPORTED,
        method + " is not allowed on " + abbreviate(path),
        Map.of("allow", allowed.stream().map(Enum::name).collect(Collectors.joining(", "))),
        405,
        null);
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }

  /** The repository; only for endpoints that have one. */
  RepositoryName name() {
    return repository.orElseThrow();
  }
}
