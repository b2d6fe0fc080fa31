package io.wharf.oci.auth;

import static io.wharf.oci.auth.TokenFixture.REALM;
import static io.wharf.oci.auth.TokenFixture.SERVICE;
import static io.wharf.oci.auth.TokenFixture.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.wharf.oci.auth.TokenFixture.Reply;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Endpoint;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RequestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bearer tokens on the registry, with the engine in memory: what the token grants is what the
 * caller may do, and every attack of issue 12 in this area is refused.
 */
class TokenAuthenticatorTest {

  private final TokenFixture f = new TokenFixture();
  private RawManifest manifest;

  @BeforeEach
  void pushAnImage() throws Exception {
    String token = f.token("alice", "alice-pw", "repository:team/app:pull,push");
    manifest = push(token, "team/app", "v1");
    push(f.token("root", "root-pw", "repository:secret/app:push"), "secret/app", "v1");
  }

  @AfterEach
  void close() {
    f.close();
  }

  private RawManifest push(String token, String repo, String tag) throws IOException {
    Descriptor config =
        blob(token, repo, MediaType.OCI_IMAGE_CONFIG, "{\"seed\":\"" + repo + "\"}");
    Descriptor layer = blob(token, repo, MediaType.OCI_LAYER_TAR, "layer of " + repo);
    RawManifest m = ManifestCodec.defaults().encode(ImageManifest.of(config, List.of(layer)));
    Reply r =
        TokenFixture.call(
            f.registry,
            HttpMethod.PUT,
            "/v2/" + repo + "/manifests/" + tag,
            TokenFixture.headers(
                "Authorization", bearer(token), "Content-Type", m.mediaType().toString()),
            m.bytes());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return m;
  }

  private Descriptor blob(String token, String repo, MediaType type, String content)
      throws IOException {
    Bytes bytes = Bytes.utf8(content);
    Digest d = Digest.sha256(bytes);
    Reply r =
        TokenFixture.call(
            f.registry,
            HttpMethod.POST,
            "/v2/" + repo + "/blobs/uploads/?digest=" + d,
            TokenFixture.headers("Authorization", bearer(token)),
            bytes);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return Descriptor.of(type, d, bytes.size());
  }

  private Reply pull(String repo, String authorization) throws IOException {
    return authorization == null
        ? f.get("/v2/" + repo + "/manifests/v1")
        : f.get("/v2/" + repo + "/manifests/v1", "Authorization", authorization);
  }

  private static void assertInvalidToken(Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate"))
        .startsWith("Bearer realm=\"" + REALM + "\",service=\"" + SERVICE + "\"")
        .endsWith(",error=\"invalid_token\"");
    assertThat(r.body()).contains("UNAUTHORIZED");
  }

  // ------------------------------------------------------------------------ the normal flow

  @Test
  void theChallengeNamesTheExactScopeTheRequestNeeds() throws Exception {
    Reply r = pull("team/app", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate"))
        .isEqualTo(
            "Bearer realm=\""
                + REALM
                + "\",service=\""
                + SERVICE
                + "\",scope=\"repository:team/app:pull\"");
    Reply base = f.get("/v2/");
    assertThat(base.status()).isEqualTo(200); // anonymous may log in: the authorizer allows LOGIN
    Reply catalog = f.get("/v2/_catalog");
    assertThat(catalog.header("WWW-Authenticate")).contains("scope=\"registry:catalog:*\"");
    Reply upload =
        TokenFixture.call(
            f.registry,
            HttpMethod.POST,
            "/v2/team/new/blobs/uploads/",
            Headers.empty(),
            Bytes.empty());
    assertThat(upload.header("WWW-Authenticate")).contains("scope=\"repository:team/new:push\"");
  }

  @Test
  void aMountChallengeNamesBothRepositories() {
    RequestContext mount =
        new RequestContext(
            "r1",
            Instant.EPOCH,
            HttpMethod.POST,
            Endpoint.values()[0],
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Identity.ANONYMOUS,
            List.of(
                Access.push(io.wharf.oci.model.ref.RepositoryName.of("team/app")),
                TokenFixture.pull("team/base"),
                TokenFixture.pull("team/app")));
    assertThat(f.authenticator.challenge(mount).orElseThrow().parameters().get("scope"))
        .isEqualTo("repository:team/app:pull,push repository:team/base:pull");
  }

  @Test
  void aTokenLetsItsHolderDoWhatItGrants() throws Exception {
    String token = f.token("bob", "bob-pw", "repository:team/app:pull");
    Reply r = pull("team/app", bearer(token));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(manifest.bytes().toByteArray());
    assertThat(f.get("/v2/", "Authorization", bearer(token)).status()).isEqualTo(200);
  }

  @Test
  void theIdentityCarriesNameGroupsKindAndTheGrantedAccess() throws Exception {
    String token = f.token("root", "root-pw", "repository:team/app:*", "registry:catalog:*");
    Authentication a =
        f.authenticator.authenticate(
            context(), TokenFixture.headers("Authorization", bearer(token)));
    Identity identity = ((Authentication.Authenticated) a).identity();
    assertThat(identity.name()).contains("root");
    assertThat(identity.groups()).containsExactly("admins", "ops");
    assertThat(identity.attributes()).isEqualTo(Map.of("kind", "user", "source", "token"));
    var app = io.wharf.oci.model.ref.RepositoryName.of("team/app");
    assertThat(identity.grantedAccess())
        .contains(Set.of(Access.pull(app), Access.push(app), Access.delete(app), Access.catalog()));
    String robot = f.token("robot$ci", "robot-secret", "repository:team/app:push");
    Identity r =
        ((Authentication.Authenticated)
                f.authenticator.authenticate(
                    context(), TokenFixture.headers("Authorization", bearer(robot))))
            .identity();
    assertThat(r.attributes()).containsEntry("kind", "robot");
  }

  @Test
  void anAnonymousTokenIsAnonymousWithItsGrant() throws Exception {
    String token = f.token(null, null, "repository:public/base:pull");
    Identity identity =
        ((Authentication.Authenticated)
                f.authenticator.authenticate(
                    context(), TokenFixture.headers("Authorization", bearer(token))))
            .identity();
    assertThat(identity.isAnonymous()).isTrue();
    assertThat(identity.grantedAccess()).contains(Set.of(TokenFixture.pull("public/base")));
  }

  @Test
  void basicCredentialsAreAnotherAuthenticatorsBusiness() throws Exception {
    Authentication a =
        f.authenticator.authenticate(
            context(),
            TokenFixture.headers("Authorization", TokenFixture.basic("alice", "alice-pw")));
    assertThat(a).isEqualTo(Authentication.anonymous());
  }

  @Test
  void aVerifiedTokenIsRememberedUntilItExpires() throws Exception {
    String token = f.token("bob", "bob-pw", "repository:team/app:pull");
    assertThat(pull("team/app", bearer(token)).status()).isEqualTo(200);
    assertThat(pull("team/app", bearer(token)).status()).isEqualTo(200); // from the cache
    f.clock.advance(Duration.ofSeconds(300 + 60 + 1));
    assertInvalidToken(pull("team/app", bearer(token)));
  }

  @Test
  void theSchemeIsCaseInsensitiveAndSpacesAroundTheTokenDoNotMatterVerifiedOrRemembered()
      throws Exception {
    String token = f.token("bob", "bob-pw", "repository:team/app:pull");
    for (String header :
        List.of("bearer " + token + "  ", "Bearer " + token, "BEARER  " + token + "\t")) {
      Authentication a =
          f.authenticator.authenticate(context(), TokenFixture.headers("Authorization", header));
      assertThat(((Authentication.Authenticated) a).identity().name()).contains("bob");
    }
    // "Bearer" without a token, or a scheme that only starts with it, is no token of this
    // authenticator's: refused, or left to another authenticator.
    assertThat(
            f.authenticator.authenticate(
                context(), TokenFixture.headers("Authorization", "Bearer")))
        .isInstanceOf(Authentication.Refused.class);
    assertThat(
            f.authenticator.authenticate(
                context(), TokenFixture.headers("Authorization", "Bearerx " + token)))
        .isEqualTo(Authentication.anonymous());
  }

  // ----------------------------------------------------------------------------- the attacks

  @Test
  void attackATokenForRepositoryAUsedOnB() throws Exception {
    String token = f.token("alice", "alice-pw", "repository:team/app:pull");
    Reply r = pull("team/other", bearer(token));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate"))
        .contains("scope=\"repository:team/other:pull\"")
        .contains("error=\"insufficient_scope\"");
    assertThat(pull("secret/app", bearer(token)).status()).isEqualTo(401);
    // A pull token does not push either.
    Reply push =
        TokenFixture.call(
            f.registry,
            HttpMethod.POST,
            "/v2/team/app/blobs/uploads/",
            TokenFixture.headers("Authorization", bearer(token)),
            Bytes.empty());
    assertThat(push.status()).isEqualTo(401);
  }

  @Test
  void attackAPayloadEditedToWidenTheScope() throws Exception {
    String token = f.token("bob", "bob-pw", "repository:team/app:pull");
    String[] parts = token.split("\\.");
    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
    String widened =
        payload
            .replace("team/app", "secret/app")
            .replace("[\"pull\"]", "[\"pull\",\"push\",\"delete\"]");
    assertThat(widened).isNotEqualTo(payload);
    String forged =
        parts[0]
            + "."
            + Base64URL.encode(widened.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertInvalidToken(pull("secret/app", bearer(forged)));
    // The genuine token still works: the refusal is about the edit.
    assertThat(pull("team/app", bearer(token)).status()).isEqualTo(200);
  }

  @Test
  void attackAnEditedPayloadUnderTheSignatureOfAVerifiedTokenGainsNothing() throws Exception {
    // Verified tokens are remembered under their signature: the forgery below is found there,
    // and must get exactly what the genuine token gave, not what its edited payload says.
    String token = f.token("bob", "bob-pw", "repository:team/app:pull");
    assertThat(pull("team/app", bearer(token)).status()).isEqualTo(200);
    String[] parts = token.split("\\.");
    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
    String forged =
        parts[0]
            + "."
            + Base64URL.encode(
                payload.replace("team/app", "secret/app").getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    Reply secret = pull("secret/app", bearer(forged));
    assertThat(secret.status()).isEqualTo(401);
    assertThat(secret.headers().first("WWW-Authenticate").orElseThrow())
        .contains("insufficient_scope");
    assertThat(pull("team/app", bearer(forged)).status()).isEqualTo(200);
  }

  @Test
  void attackAlgNone() throws Exception {
    String unsigned = new PlainJWT(claims("root", "repository", "secret/app").build()).serialize();
    assertInvalidToken(pull("secret/app", bearer(unsigned)));
    // the same with a signature part added, or the header of a signed token swapped for none
    String withSignature = unsigned + "c2lnbmF0dXJl";
    assertInvalidToken(pull("secret/app", bearer(withSignature)));
    String genuine =
        sign(
            claims("bob", "repository", "team/app"),
            JWSAlgorithm.ES256,
            new ECDSASigner((java.security.interfaces.ECPrivateKey) TokenFixture.KEY.privateKey()),
            TokenFixture.KEY.keyId());
    String noneHeader = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
    assertInvalidToken(
        pull("team/app", bearer(noneHeader + genuine.substring(genuine.indexOf('.')))));
    assertThat(pull("team/app", bearer(genuine)).status()).isEqualTo(200); // the control
  }

  @Test
  void attackHmacSignedWithThePublicKeyAsSecret() throws Exception {
    byte[] publicKey = TokenFixture.KEY.publicKey().getEncoded();
    byte[] pem = TokenFixture.KEY.certificatePem().getBytes(StandardCharsets.US_ASCII);
    for (byte[] secret : List.of(publicKey, pem)) {
      String token =
          sign(
              claims("root", "repository", "secret/app"),
              JWSAlgorithm.HS256,
              new MACSigner(pad(secret)),
              TokenFixture.KEY.keyId());
      assertInvalidToken(pull("secret/app", bearer(token)));
    }
  }

  private static byte[] pad(byte[] secret) {
    return secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32);
  }

  @Test
  void attackAnExpiredToken() throws Exception {
    String token = f.token("bob", "bob-pw", "repository:team/app:pull");
    f.clock.advance(Duration.ofSeconds(300 + 59)); // within the 60 s skew: still good
    assertThat(pull("team/app", bearer(token)).status()).isEqualTo(200);
    f.clock.advance(Duration.ofSeconds(2));
    Reply r = pull("team/app", bearer(token));
    assertInvalidToken(r);
    assertThat(r.body()).contains("expired");
  }

  @Test
  void attackATokenNotValidYet() throws Exception {
    Instant later = f.clock.instant().plus(Duration.ofMinutes(10));
    JWTClaimsSet.Builder c = claims("bob", "repository", "team/app");
    c.issueTime(Date.from(later))
        .notBeforeTime(Date.from(later))
        .expirationTime(Date.from(later.plusSeconds(300)));
    String token = signWithWharfKey(c);
    Reply r = pull("team/app", bearer(token));
    assertInvalidToken(r);
    assertThat(r.body()).contains("not valid yet");
  }

  @Test
  void attackWrongAudience() throws Exception {
    JWTClaimsSet.Builder c = claims("bob", "repository", "team/app").audience("other.registry");
    assertInvalidToken(pull("team/app", bearer(signWithWharfKey(c))));
    JWTClaimsSet.Builder none = claims("bob", "repository", "team/app").audience((String) null);
    assertInvalidToken(pull("team/app", bearer(signWithWharfKey(none))));
  }

  @Test
  void attackATokenOfAnotherIssuerOrKey() throws Exception {
    // our key, another issuer's name
    JWTClaimsSet.Builder otherIssuer = claims("root", "repository", "secret/app").issuer("evil");
    assertInvalidToken(pull("secret/app", bearer(signWithWharfKey(otherIssuer))));
    // our issuer's name and kid, another key
    ECKey evil = new ECKeyGenerator(Curve.P_256).generate();
    String forged =
        sign(
            claims("root", "repository", "secret/app"),
            JWSAlgorithm.ES256,
            new ECDSASigner(evil),
            TokenFixture.KEY.keyId());
    assertInvalidToken(pull("secret/app", bearer(forged)));
    // another key named by its own kid, offered in the header as jwk and x5c
    SignedJWT embedded =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .jwk(evil.toPublicJWK())
                .keyID(evil.computeThumbprint().toString())
                .build(),
            claims("root", "repository", "secret/app").build());
    embedded.sign(new ECDSASigner(evil));
    assertInvalidToken(pull("secret/app", bearer(embedded.serialize())));
    // an RSA key with RS256
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    String rs =
        sign(
            claims("root", "repository", "secret/app"),
            JWSAlgorithm.RS256,
            new RSASSASigner(rsa),
            TokenFixture.KEY.keyId());
    assertInvalidToken(pull("secret/app", bearer(rs)));
  }

  @Test
  void attackARefreshTokenUsedAsAnAccessToken() throws Exception {
    String refresh =
        (String)
            f.get(
                    "/token?service=" + SERVICE + "&offline_token=true",
                    "Authorization",
                    TokenFixture.basic("root", "root-pw"))
                .json()
                .get("refresh_token");
    assertInvalidToken(f.get("/v2/", "Authorization", bearer(refresh)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Bearer",
        "Bearer ",
        "Bearer a.b",
        "Bearer a.b.c.d",
        "Bearer ...",
        "Bearer a.b.c",
        "Bearer eyJhbGciOiJFUzI1NiJ9.e30.",
        "Bearer not base64!.x.y",
        "Bearer tok\u00e9n.x.y",
        "Bearer a.b.c extra",
        "bearer eyJ9.eyJ9.eyJ9",
        "Bearer eyJhbGciOiJFUzI1NiIsImNyaXQiOlsiYjY0Il0sImI2NCI6ZmFsc2V9.e30.AAAA",
      })
  void attackMalformedAuthorizationHeaders(String header) throws Exception {
    assertInvalidToken(pull("team/app", header));
  }

  @Test
  void attackHugeOrRepeatedAuthorizationHeaders() throws Exception {
    String token = f.token("bob", "bob-pw", "repository:team/app:pull");
    assertInvalidToken(pull("team/app", "Bearer " + token + "A".repeat(9000)));
    assertInvalidToken(pull("team/app", "Bearer " + "A".repeat(100_000) + ".e30.AAAA"));
    Reply twice =
        TokenFixture.call(
            f.registry,
            HttpMethod.GET,
            "/v2/team/app/manifests/v1",
            TokenFixture.headers("Authorization", bearer(token), "Authorization", bearer(token)),
            Bytes.empty());
    assertInvalidToken(twice);
    // a payload that is not JSON, or whose claims have the wrong types
    String header =
        Base64URL.encode("{\"alg\":\"ES256\",\"kid\":\"" + TokenFixture.KEY.keyId() + "\"}")
            .toString();
    for (String payload : List.of("not json", "[1,2]", "{\"sub\":7}", "{\"exp\":\"soon\"}")) {
      assertInvalidToken(
          pull("team/app", "Bearer " + header + "." + Base64URL.encode(payload) + ".AAAA"));
    }
    List<RegistryEvent> events = f.events();
    assertThat(events.stream().filter(RegistryEvent::denied)).isNotEmpty();
    assertThat(events.toString()).doesNotContain(token);
  }

  @Test
  void attackMalformedClaimsInAGenuineSignature() throws Exception {
    JWTClaimsSet.Builder badGroups =
        claims("root", "repository", "secret/app").claim("groups", "admins");
    assertInvalidToken(pull("secret/app", bearer(signWithWharfKey(badGroups))));
    JWTClaimsSet.Builder badAccess =
        claims("root", "repository", "secret/app").claim("access", Map.of("type", "repository"));
    assertInvalidToken(pull("secret/app", bearer(signWithWharfKey(badAccess))));
    JWTClaimsSet.Builder noExpiry = claims("root", "repository", "secret/app").expirationTime(null);
    assertInvalidToken(pull("secret/app", bearer(signWithWharfKey(noExpiry))));
    JWTClaimsSet.Builder controlName = claims("ro\u0000ot", "repository", "secret/app");
    assertInvalidToken(pull("secret/app", bearer(signWithWharfKey(controlName))));
    JWTClaimsSet.Builder refreshUse =
        claims("root", "repository", "secret/app").claim("token_use", "refresh");
    assertInvalidToken(pull("secret/app", bearer(signWithWharfKey(refreshUse))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "repository:team/../secret/app:pull",
        "repository:team%2F..%2Fsecret%2Fapp:pull",
        "repository:team%2fapp:pull",
        "repository:secret/app%00:pull",
        "repository:SECRET/app:pull",
        "repository:Secret/App:pull",
        "repository:./secret/app:pull",
        "repository:secret//app:pull",
        "repository:team/app/../../secret/app:pull",
        "repository:secret/app\u0000:pull",
      })
  void attackPathTricksInScopesNeverGrantAnotherRepository(String scope) throws Exception {
    // bob may pull team/* only; none of these scopes names a repository he may pull
    String token = f.token("bob", "bob-pw", scope);
    assertThat(((List<?>) SignedJWT.parse(token).getJWTClaimsSet().getClaim("access"))).isEmpty();
    assertThat(pull("secret/app", bearer(token)).status()).isEqualTo(401);
    assertThat(pull("team/app", bearer(token)).status()).isEqualTo(401);
  }

  @Test
  void aStarInTheAccessClaimMeansPullPushAndDelete() throws Exception {
    JWTClaimsSet.Builder star = claims("root", "repository", "team/app");
    star.claim(
        "access",
        List.of(Map.of("type", "repository", "name", "team/app", "actions", List.of("*"))));
    Identity identity =
        ((Authentication.Authenticated)
                f.authenticator.authenticate(
                    context(),
                    TokenFixture.headers("Authorization", bearer(signWithWharfKey(star)))))
            .identity();
    var app = io.wharf.oci.model.ref.RepositoryName.of("team/app");
    assertThat(identity.grantedAccess())
        .contains(Set.of(Access.pull(app), Access.push(app), Access.delete(app)));
  }

  @Test
  void toStringNamesNoKey() {
    assertThat(f.authenticator.toString()).contains(TokenFixture.ISSUER).contains(SERVICE);
  }

  // ----------------------------------------------------------------------------- helpers

  private RequestContext context() {
    return new RequestContext(
        "t",
        f.clock.instant(),
        HttpMethod.GET,
        Endpoint.values()[0],
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Identity.ANONYMOUS,
        List.of(Access.login()));
  }

  private JWTClaimsSet.Builder claims(String sub, String type, String name) {
    Instant now = f.clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(TokenFixture.ISSUER)
        .subject(sub)
        .audience(SERVICE)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .jwtID("test")
        .claim(
            "access",
            List.of(Map.of("type", type, "name", name, "actions", List.of("pull", "push"))));
  }

  private static String signWithWharfKey(JWTClaimsSet.Builder claims) throws Exception {
    return sign(
        claims,
        JWSAlgorithm.ES256,
        new ECDSASigner((java.security.interfaces.ECPrivateKey) TokenFixture.KEY.privateKey()),
        TokenFixture.KEY.keyId());
  }

  static String sign(
      JWTClaimsSet.Builder claims, JWSAlgorithm alg, com.nimbusds.jose.JWSSigner signer, String kid)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(), claims.build());
    jwt.sign(signer);
    return jwt.serialize();
  }
}
