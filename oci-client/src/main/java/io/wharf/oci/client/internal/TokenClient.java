package io.wharf.oci.client.internal;

import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.model.Bytes;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a token server (the realm of a {@code Bearer} challenge) for a token.
 *
 * <ul>
 *   <li>With a refresh token (an identity token, or one a server handed out before): OAuth2 {@code
 *       POST} with {@code grant_type=refresh_token} (oauth.md).
 *   <li>With a user and password, when the client was built with the password grant: OAuth2 {@code
 *       POST} with {@code grant_type=password}, {@code client_id}, {@code username}, {@code
 *       password}, {@code scope} and {@code access_type=offline}, so the server hands out a refresh
 *       token that later requests use instead of the password.
 *   <li>Otherwise, and when a realm answers a POST with 404 or 405 (it does not do OAuth2; the
 *       realm is remembered), {@code GET realm?service=…&scope=…&scope=…}, with HTTP Basic when the
 *       credential is a user and password (token.md), as docker falls back.
 * </ul>
 *
 * Several scopes go as several {@code scope} parameters (GET) or space-separated (POST).
 * Credentials never go to a realm over plain HTTP unless its host may be spoken to in plain HTTP.
 */
public final class TokenClient {

  private static final Logger log = LoggerFactory.getLogger(TokenClient.class);
  private static final String CLIENT_ID = "wharf";

  private final HttpTransport transport;
  private final Retrier retrier;
  private final Predicate<URI> plainHttpAllowed;
  private final Clock clock;
  private final boolean passwordGrant;
  private final Set<URI> noOAuth = ConcurrentHashMap.newKeySet();

  /**
   * A token client.
   *
   * @param passwordGrant whether a user and password go in an OAuth2 password grant ({@code POST},
   *     {@code access_type=offline}) rather than as Basic credentials of a {@code GET}
   */
  public TokenClient(
      HttpTransport transport,
      Retrier retrier,
      Predicate<URI> plainHttpAllowed,
      Clock clock,
      boolean passwordGrant) {
    this.transport = transport;
    this.retrier = retrier;
    this.plainHttpAllowed = plainHttpAllowed;
    this.clock = clock;
    this.passwordGrant = passwordGrant;
  }

  /**
   * A token for {@code scopes}.
   *
   * @param refreshToken a refresh token the server handed out before, if any
   * @throws io.wharf.oci.client.RegistryClientException when the token server refuses
   */
  public TokenResponse fetch(
      URI realm,
      Optional<String> service,
      Set<Scope> scopes,
      Credential credential,
      Optional<String> refreshToken)
      throws IOException {
    checkRealm(realm, credential);
    boolean oauth = !noOAuth.contains(realm);
    Optional<String> refresh =
        credential instanceof Credential.IdentityToken id ? Optional.of(id.token()) : refreshToken;
    if (refresh.isPresent() && oauth) {
      List<String> form = new ArrayList<>();
      form.add(form("grant_type", "refresh_token"));
      form.add(form("refresh_token", refresh.get()));
      Optional<TokenResponse> answer = post(realm, service, scopes, form);
      if (answer.isPresent()) {
        return answer.get();
      }
    } else if (passwordGrant && oauth && credential instanceof Credential.Basic basic) {
      List<String> form = new ArrayList<>();
      form.add(form("grant_type", "password"));
      form.add(form("username", basic.username()));
      form.add(form("password", basic.password()));
      form.add(form("access_type", "offline"));
      Optional<TokenResponse> answer = post(realm, service, scopes, form);
      if (answer.isPresent()) {
        return answer.get();
      }
    }
    List<String> params = new ArrayList<>();
    service.ifPresent(s -> params.add(form("service", s)));
    for (Scope s : scopes) {
      params.add(form("scope", s.toString()));
    }
    if (credential instanceof Credential.Basic basic) {
      params.add(form("account", basic.username()));
    }
    URI uri = withQuery(realm, String.join("&", params));
    HttpRequest get = HttpRequest.of("GET", uri);
    if (credential instanceof Credential.Basic basic) {
      get = get.withHeader("Authorization", basic(basic));
    }
    HttpRequest request = get;
    HttpResponse r =
        retrier.execute(
            "GET token " + Urls.redact(realm),
            Retrier.Mode.IDEMPOTENT,
            () -> transport.send(request));
    if (r.status() != 200) {
      throw RemoteErrors.toException(r, "GET", "token request for " + scopes, clock);
    }
    return read(r);
  }

  /**
   * OAuth2 {@code POST} of {@code grant} (plus service, scope and client_id) to the realm: the
   * token, or empty when the realm does not do OAuth2 (404, 405; remembered, so it is asked with
   * GET from then on, as docker does).
   */
  private Optional<TokenResponse> post(
      URI realm, Optional<String> service, Set<Scope> scopes, List<String> grant)
      throws IOException {
    List<String> form = new ArrayList<>(grant);
    service.ifPresent(s -> form.add(form("service", s)));
    if (!scopes.isEmpty()) {
      form.add(
          form("scope", scopes.stream().map(Scope::toString).collect(Collectors.joining(" "))));
    }
    form.add(form("client_id", CLIENT_ID));
    Bytes body = Bytes.utf8(String.join("&", form));
    HttpRequest post =
        HttpRequest.of("POST", realm)
            .withHeader("Content-Type", "application/x-www-form-urlencoded")
            .withBody(HttpRequest.Body.of(body));
    HttpResponse r =
        retrier.execute(
            "POST token " + Urls.redact(realm),
            Retrier.Mode.IDEMPOTENT,
            () -> transport.send(post));
    if (r.status() == 200) {
      return Optional.of(read(r));
    }
    if (r.status() != 404 && r.status() != 405) {
      throw RemoteErrors.toException(r, "POST", "token request for " + scopes, clock);
    }
    log.debug("token server {} does not do OAuth2 ({}), using GET", Urls.redact(realm), r.status());
    r.discard();
    if (noOAuth.size() < 1024) {
      noOAuth.add(realm);
    }
    return Optional.empty();
  }

  /** {@code Basic base64(user:password)}. */
  public static String basic(Credential.Basic basic) {
    String pair = basic.username() + ":" + basic.password();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private TokenResponse read(HttpResponse r) throws IOException {
    try (r) {
      return TokenResponse.parse(r.readBody(TokenResponse.MAX_BYTES));
    } catch (IOException e) {
      throw new Retrier.FinalIOException(
          "token server " + Urls.redact(r.uri()) + ": " + e.getMessage(), e);
    }
  }

  private void checkRealm(URI realm, Credential credential) throws IOException {
    String scheme = realm.getScheme() == null ? "" : realm.getScheme().toLowerCase();
    if (!scheme.equals("https") && !scheme.equals("http") || realm.getHost() == null) {
      throw new Retrier.FinalIOException(
          "token realm " + Urls.redact(realm) + " is not an http(s) URL", null);
    }
    if (scheme.equals("http")
        && !(credential instanceof Credential.Anonymous)
        && !plainHttpAllowed.test(realm)) {
      throw new Retrier.FinalIOException(
          "token realm "
              + Urls.redact(realm)
              + " is plain HTTP: credentials are not sent there (allow plain HTTP for its host)",
          null);
    }
  }

  private static String form(String name, String value) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8)
        + "="
        + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** {@code uri} with {@code query} appended to its own query. */
  public static URI withQuery(URI uri, String query) throws IOException {
    if (query.isEmpty()) {
      return uri;
    }
    String s = uri.toString();
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    String joined = s + (uri.getRawQuery() == null ? "?" : s.endsWith("&") ? "" : "&") + query;
    try {
      return new URI(joined);
    } catch (URISyntaxException e) {
      throw new IOException("not a URI after adding the query: " + Urls.redact(uri), e);
    }
  }
}
