package io.wharf.oci.client.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A Docker registry token server for tests: the "Docker Registry v2 authentication via central
 * service" and its OAuth2 variant, as distribution 2.8's {@code auth.token} verifies them. It runs
 * a JDK {@link HttpServer} on loopback and answers:
 *
 * <ul>
 *   <li>{@code GET /token?service=S&scope=A&scope=B[&account=U][&offline_token=true]}, with Basic
 *       credentials of a configured user, or none for anonymous access;
 *   <li>{@code POST /token}, an {@code application/x-www-form-urlencoded} body with {@code
 *       grant_type=password} ({@code username}, {@code password}, {@code access_type=offline} for a
 *       refresh token) or {@code grant_type=refresh_token} ({@code refresh_token}), plus {@code
 *       client_id}, {@code service} and {@code scope} (scopes separated by spaces).
 * </ul>
 *
 * <p>Both answer {@code {"token", "access_token", "expires_in", "issued_at"[, "refresh_token"]}}.
 * The token is a JWS (compact form) whose header is {@code {"typ":"JWT","alg":"ES256"|"RS256",
 * "x5c":[cert]}} (or {@code "kid"}: see {@link KeyReference}) and whose claims are {@code iss},
 * {@code sub} (the user, empty when anonymous), {@code aud} (the service), {@code exp}, {@code
 * nbf}, {@code iat}, {@code jti} and {@code access}: for each requested scope, the actions the
 * user's {@link Grant}s allow. A scope nothing allows is left out (the token is still issued, as
 * Docker Hub does, and the registry answers {@code insufficient_scope}). Wrong credentials get 401.
 *
 * <p>Distribution is pointed at it with {@link #registryAuth()}. Every request is recorded ({@link
 * #requests()}, {@link #tokenRequests()}) so a client test can assert its token cache, and {@link
 * #failNext(int, int)} makes the next requests fail. Start with {@link #builder()}; close it to
 * stop.
 */
public final class TokenServer implements AutoCloseable {

  /** How a token names its signing key to the registry. Distribution 2.8 accepts both. */
  public enum KeyReference {
    /** {@code x5c}: the signing certificate, which must be in the registry's rootcertbundle. */
    X5C,
    /** {@code kid}: the libtrust key ID of a key in the registry's rootcertbundle. */
    KID
  }

  /**
   * What a user may do: resource {@code type} (usually {@code repository}; {@code registry} with
   * name {@code catalog} for the catalog), a {@code name} that may contain {@code *} (any
   * characters, {@code /} included), and the allowed {@code actions} ({@code *} allows any).
   */
  public record Grant(String type, String name, Set<String> actions) {
    public Grant {
      Objects.requireNonNull(type);
      Objects.requireNonNull(name);
      actions = Set.copyOf(actions);
    }

    /** A grant on repositories matching {@code name}. */
    public static Grant repository(String name, String... actions) {
      return new Grant("repository", name, new LinkedHashSet<>(Arrays.asList(actions)));
    }

    boolean matches(String type, String name) {
      return this.type.equals(type) && globToRegex(this.name).matcher(name).matches();
    }

    private static Pattern globToRegex(String glob) {
      StringBuilder re = new StringBuilder();
      for (String part : glob.split("\\*", -1)) {
        if (re.length() > 0) {
          re.append(".*");
        }
        re.append(Pattern.quote(part));
      }
      return Pattern.compile(re.toString());
    }
  }

  /** One entry of a token's {@code access} claim, or one requested scope. */
  public record Access(String type, String name, List<String> actions) {
    public Access {
      actions = List.copyOf(actions);
    }

    /**
     * Parses a scope {@code type[(class)]:name:action[,action]}; the name may contain {@code :} (a
     * registry host with a port), so the actions follow the last one.
     */
    public static Access parseScope(String scope) {
      int first = scope.indexOf(':');
      int last = scope.lastIndexOf(':');
      if (first <= 0 || last == first) {
        throw new IllegalArgumentException("not a scope: " + scope);
      }
      String type = scope.substring(0, first).replaceFirst("\\(.*\\)$", "");
      List<String> actions =
          scope.substring(last + 1).isEmpty()
              ? List.of()
              : List.of(scope.substring(last + 1).split(","));
      return new Access(type, scope.substring(first + 1, last), actions);
    }

    /** The scope string, {@code type:name:a,b}. */
    public String scope() {
      return type + ":" + name + ":" + String.join(",", actions);
    }

    Map<String, Object> claim() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", type);
      m.put("name", name);
      m.put("actions", actions);
      return m;
    }
  }

  /**
   * A request the server received: {@code GET} or {@code POST}, the grant type ({@code password}
   * for GET with credentials, {@code anonymous}, {@code refresh_token}), the user if any, the
   * requested scopes, and the status answered.
   */
  public record TokenRequest(
      String method, String grantType, Optional<String> user, List<String> scopes, int status) {
    public TokenRequest {
      scopes = List.copyOf(scopes);
    }
  }

  private record User(String password, List<Grant> grants) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String service;
  private final String issuer;
  private final KeyReference keyReference;
  private final Clock clock;
  private final Map<String, User> users;
  private final List<Grant> anonymousGrants;
  private final SigningKey key;
  private final Path rootCertBundle;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile int failureStatus = 401;
  private volatile Duration tokenLifetime;
  private final AtomicInteger staleTokens = new AtomicInteger();

  private TokenServer(Builder b, Path dir) throws IOException {
    this.service = b.service;
    this.issuer = b.issuer;
    this.keyReference = b.keyReference;
    this.clock = b.clock;
    this.users = Map.copyOf(b.users);
    this.anonymousGrants = List.copyOf(b.anonymous);
    this.tokenLifetime = b.tokenLifetime;
    this.key = SigningKey.generate(b.algorithm, issuer, clock);
    Files.createDirectories(dir);
    this.rootCertBundle = dir.resolve("token-server-root.pem");
    Files.writeString(rootCertBundle, key.certificatePem(), StandardCharsets.US_ASCII);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "token-server");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/token", this::handle);
    server.start();
  }

  /** A builder with service {@code wharf-test-registry}, issuer {@code wharf-test-token-server}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configuration of a {@link TokenServer}. */
  public static final class Builder {
    private String service = "wharf-test-registry";
    private String issuer = "wharf-test-token-server";
    private SigningKey.Algorithm algorithm = SigningKey.Algorithm.ES256;
    private KeyReference keyReference = KeyReference.X5C;
    private Duration tokenLifetime = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();
    private final Map<String, User> users = new LinkedHashMap<>();
    private final List<Grant> anonymous = new ArrayList<>();

    private Builder() {}

    /** The {@code service} the registry expects (its {@code aud}). */
    public Builder service(String service) {
      this.service = Objects.requireNonNull(service);
      return this;
    }

    /** The {@code iss} the registry expects. */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer);
      return this;
    }

    /** ES256 (the default) or RS256. */
    public Builder algorithm(SigningKey.Algorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm);
      return this;
    }

    /** {@code x5c} (the default) or {@code kid} in the JWS header. */
    public Builder keyReference(KeyReference keyReference) {
      this.keyReference = Objects.requireNonNull(keyReference);
      return this;
    }

    /** {@code exp - iat} and {@code expires_in}; 5 minutes by default. */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = Objects.requireNonNull(lifetime);
      return this;
    }

    /** The clock for {@code iat}, {@code nbf}, {@code exp} and the certificate's validity. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** A user with a password and what it may do. */
    public Builder user(String name, String password, Grant... grants) {
      users.put(name, new User(password, List.of(grants)));
      return this;
    }

    /** What a request without credentials may do (nothing by default). */
    public Builder anonymous(Grant... grants) {
      anonymous.addAll(List.of(grants));
      return this;
    }

    /**
     * Starts the server on a free loopback port and writes the certificate PEM into {@code dir}.
     */
    public TokenServer start(Path dir) throws IOException {
      return new TokenServer(this, dir);
    }
  }

  /** The realm, {@code http://127.0.0.1:PORT/token}, for the registry's challenge. */
  public URI realm() {
    return URI.create(
        "http://"
            + server.getAddress().getAddress().getHostAddress()
            + ":"
            + server.getAddress().getPort()
            + "/token");
  }

  /** The service name (the tokens' {@code aud}). */
  public String service() {
    return service;
  }

  /** The issuer (the tokens' {@code iss}). */
  public String issuer() {
    return issuer;
  }

  /** The PEM file of the signing certificate, for distribution's {@code rootcertbundle}. */
  public Path rootCertBundle() {
    return rootCertBundle;
  }

  /** The signing key and its certificate. */
  public SigningKey signingKey() {
    return key;
  }

  /** The {@code auth.token} configuration that makes a {@link DockerRegistryProcess} trust us. */
  public DockerRegistryProcess.Auth registryAuth() {
    return DockerRegistryProcess.Auth.token(realm(), service, issuer, rootCertBundle);
  }

  /** Changes the lifetime of tokens issued from now on. */
  public void tokenLifetime(Duration lifetime) {
    this.tokenLifetime = Objects.requireNonNull(lifetime);
  }

  /**
   * The next {@code count} tokens are already expired when issued (their {@code exp} is 5 minutes
   * past, beyond distribution's 60 s leeway) while the answer still says {@code expires_in} of the
   * full lifetime: a registry refuses them, though the client believes them valid, as happens after
   * a clock skew or a key rotation.
   */
  public void issueStaleTokens(int count) {
    staleTokens.set(count);
  }

  /** The number of requests received on {@code /token}, failed ones included. */
  public int tokenRequests() {
    return requests.size();
  }

  /** Every request received, in order. */
  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    requests.clear();
  }

  /**
   * Answers the next {@code count} requests with {@code status} (401 carries a Basic challenge)
   * whatever their credentials.
   */
  public void failNext(int count, int status) {
    if (count < 0 || status < 400 || status > 599) {
      throw new IllegalArgumentException("count " + count + ", status " + status);
    }
    this.failureStatus = status;
    failures.set(count);
  }

  /**
   * Signs a token as this server would, with any times and access: for expired or not-yet-valid
   * tokens, or access the grants would never give.
   */
  public String mintToken(
      String subject, List<Access> access, Instant issuedAt, Duration lifetime) {
    return mintToken(key, keyReference, subject, access, issuedAt, lifetime);
  }

  /** As {@link #mintToken(String, List, Instant, Duration)}, signed by another key. */
  public String mintToken(
      SigningKey signer,
      KeyReference reference,
      String subject,
      List<Access> access,
      Instant issuedAt,
      Duration lifetime) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("typ", "JWT");
    header.put("alg", signer.algorithm().name());
    if (reference == KeyReference.X5C) {
      header.put("x5c", List.of(signer.certificateBase64()));
    } else {
      header.put("kid", signer.libtrustKeyId());
    }
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", subject);
    claims.put("aud", service);
    claims.put("exp", issuedAt.plus(lifetime).getEpochSecond());
    claims.put("nbf", issuedAt.getEpochSecond());
    claims.put("iat", issuedAt.getEpochSecond());
    claims.put("jti", HexFormat.of().formatHex(RANDOM.generateSeed(16)));
    claims.put("access", access.stream().map(Access::claim).toList());
    String input = base64Url(Json.write(header)) + "." + base64Url(Json.write(claims));
    return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign(input));
  }

  /** The JOSE header of a compact JWS. */
  public static Map<String, Object> header(String jws) {
    return Json.parseObject(part(jws, 0));
  }

  /** The claims of a compact JWS (not verified). */
  public static Map<String, Object> claims(String jws) {
    return Json.parseObject(part(jws, 1));
  }

  private static String part(String jws, int i) {
    String[] parts = jws.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a compact JWS");
    }
    return new String(Base64.getUrlDecoder().decode(parts[i]), StandardCharsets.UTF_8);
  }

  private static String base64Url(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Map<String, List<String>> params;
      if (method.equals("GET")) {
        params = parseForm(exchange.getRequestURI().getRawQuery());
      } else if (method.equals("POST")) {
        try (InputStream in = exchange.getRequestBody()) {
          byte[] body = in.readNBytes(64 * 1024 + 1);
          if (body.length > 64 * 1024) {
            reply(exchange, 413, error("request body too large"));
            return;
          }
          params = parseForm(new String(body, StandardCharsets.UTF_8));
        }
      } else {
        exchange.getResponseHeaders().add("Allow", "GET, POST");
        reply(exchange, 405, error("method not allowed"));
        return;
      }
      List<String> scopes = new ArrayList<>();
      for (String s : params.getOrDefault("scope", List.of())) {
        for (String one : s.split(" ")) {
          if (!one.isEmpty()) {
            scopes.add(one);
          }
        }
      }
      Outcome outcome = authenticate(exchange, method, params);
      String grantType = outcome.grantType;
      int status;
      String answer;
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        status = failureStatus;
        if (status == 401) {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"" + realm() + "\"");
        }
        answer = error("failure injected by the test");
      } else if (outcome.errorStatus != 0) {
        status = outcome.errorStatus;
        if (status == 401) {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"" + realm() + "\"");
        }
        answer = error(outcome.error);
      } else if (!service.equals(first(params, "service"))) {
        status = 400;
        answer = error("unknown service: " + first(params, "service"));
      } else {
        status = 200;
        List<Access> granted = new ArrayList<>();
        for (String scope : scopes) {
          Access requested;
          try {
            requested = Access.parseScope(scope);
          } catch (IllegalArgumentException e) {
            continue; // Docker Hub ignores scopes it cannot read
          }
          List<Grant> grants =
              outcome.user == null ? anonymousGrants : users.get(outcome.user).grants;
          Set<String> allowed = new LinkedHashSet<>();
          for (Grant g : grants) {
            if (g.matches(requested.type(), requested.name())) {
              for (String a : requested.actions()) {
                if (g.actions().contains(a) || g.actions().contains("*")) {
                  allowed.add(a);
                }
              }
            }
          }
          if (!allowed.isEmpty()) {
            granted.add(new Access(requested.type(), requested.name(), List.copyOf(allowed)));
          }
        }
        Instant now = clock.instant();
        Duration lifetime = tokenLifetime;
        Instant issued =
            staleTokens.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                ? now.minus(lifetime).minus(Duration.ofMinutes(5))
                : now;
        String token =
            mintToken(outcome.user == null ? "" : outcome.user, granted, issued, lifetime);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("access_token", token);
        body.put("expires_in", lifetime.toSeconds());
        body.put("issued_at", now.toString());
        if (outcome.refreshToken != null) {
          body.put("refresh_token", outcome.refreshToken);
        }
        answer = Json.write(body);
      }
      // Recorded before the answer goes out: a client that has its answer sees its request counted.
      requests.add(
          new TokenRequest(method, grantType, Optional.ofNullable(outcome.user), scopes, status));
      reply(exchange, status, answer);
    }
  }

  private static final class Outcome {
    String grantType = "anonymous";
    String user;
    String refreshToken;
    int errorStatus;
    String error;

    Outcome fail(int status, String message) {
      errorStatus = status;
      error = message;
      return this;
    }
  }

  private Outcome authenticate(
      HttpExchange exchange, String method, Map<String, List<String>> params) {
    Outcome o = new Outcome();
    if (method.equals("GET")) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization == null) {
        return o;
      }
      o.grantType = "password";
      if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        return o.fail(401, "only Basic credentials are accepted");
      }
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).trim()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return o.fail(401, "malformed Basic credentials");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return o.fail(401, "malformed Basic credentials");
      }
      String name = decoded.substring(0, colon);
      if (!checkPassword(name, decoded.substring(colon + 1))) {
        return o.fail(401, "incorrect username or password");
      }
      o.user = name;
      if ("true".equals(first(params, "offline_token"))) {
        o.refreshToken = newRefreshToken(name);
      }
      return o;
    }
    String grantType = first(params, "grant_type");
    o.grantType = grantType == null ? "missing" : grantType;
    if (first(params, "client_id") == null) {
      return o.fail(400, "client_id is required");
    }
    if ("password".equals(grantType)) {
      String name = first(params, "username");
      if (name == null || !checkPassword(name, first(params, "password"))) {
        return o.fail(401, "incorrect username or password");
      }
      o.user = name;
      if ("offline".equals(first(params, "access_type"))) {
        o.refreshToken = newRefreshToken(name);
      }
      return o;
    }
    if ("refresh_token".equals(grantType)) {
      String refresh = first(params, "refresh_token");
      String name = refresh == null ? null : refreshTokens.get(refresh);
      if (name == null) {
        return o.fail(401, "unknown refresh token");
      }
      o.user = name;
      o.refreshToken = refresh;
      return o;
    }
    return o.fail(400, "unsupported grant_type: " + grantType);
  }

  private boolean checkPassword(String name, String password) {
    User u = users.get(name);
    return u != null && password != null && u.password.equals(password);
  }

  private String newRefreshToken(String user) {
    String token = HexFormat.of().formatHex(RANDOM.generateSeed(24));
    refreshTokens.put(token, user);
    return token;
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static Map<String, List<String>> parseForm(String raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static String error(String details) {
    return Json.write(Map.of("details", details));
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops the server and its threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
