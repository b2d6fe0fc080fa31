package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.ManifestCodec;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.server.Authentication;
import io.wharf.oci.server.Authenticator;
import io.wharf.oci.server.Challenge;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.HttpMethod;
import io.wharf.oci.server.Identity;
import io.wharf.oci.server.RegistryHandler;
import io.wharf.oci.server.RegistryRequest;
import io.wharf.oci.server.RegistryResponse;
import io.wharf.oci.server.RequestContext;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import io.wharf.oci.storage.access.RobotRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Identities, a clock and requests for the access control tests. */
final class TestAccess {

  private TestAccess() {}

  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  /** A user identity as the htpasswd verifier makes it. */
  static Identity user(String name, String... groups) {
    return Identity.named(name)
        .withGroups(Set.of(groups))
        .withAttributes(Map.of("kind", "user", "source", "htpasswd"));
  }

  /** A robot identity as the robot verifier makes it. */
  static Identity robot(String name) {
    return Identity.named(ProjectAuthorizer.ROBOT_PREFIX + name)
        .withAttributes(Map.of("kind", "robot", "source", "robot"));
  }

  /** A robot record with {@code permissions}, never expiring. */
  static RobotRecord robotRecord(String name, RobotPermission... permissions) {
    return new RobotRecord(
        name, "sha256:00", List.of(permissions), Optional.empty(), false, T0, "test robot");
  }

  /** {@code robot}, disabled. */
  static RobotRecord disabled(RobotRecord robot) {
    return copy(robot, robot.permissions(), robot.expiresAt(), true);
  }

  /** {@code robot}, expiring at {@code at}. */
  static RobotRecord expiring(RobotRecord robot, Instant at) {
    return copy(robot, robot.permissions(), Optional.of(at), robot.disabled());
  }

  /** {@code robot} with {@code permissions}. */
  static RobotRecord withPermissions(RobotRecord robot, List<RobotPermission> permissions) {
    return copy(robot, permissions, robot.expiresAt(), robot.disabled());
  }

  private static RobotRecord copy(
      RobotRecord r, List<RobotPermission> permissions, Optional<Instant> expiresAt, boolean off) {
    return new RobotRecord(
        r.name(), r.secretHash(), permissions, expiresAt, off, r.created(), r.description());
  }

  /** {@code actions} in {@code project}. */
  static RobotPermission permission(String project, RobotAction... actions) {
    return new RobotPermission(project, EnumSet.copyOf(List.of(actions)));
  }

  /** Every role, strongest first. */
  static List<ProjectRole> roles() {
    return List.of(ProjectRole.values());
  }

  /** The password {@link #authenticator} accepts for {@code login} over Basic. */
  static String password(String login) {
    return "s3cret-of-" + login;
  }

  /**
   * Lets callers in by {@code Authorization: Test <login>}, or by Basic with {@link #password}, as
   * the identity of that login; without the header, anonymous (and challenged with Basic when
   * refused).
   */
  static Authenticator authenticator(List<Identity> identities) {
    Map<String, Identity> byName = new java.util.HashMap<>();
    identities.forEach(i -> byName.put(i.name().orElseThrow(), i));
    return new Authenticator() {
      @Override
      public Authentication authenticate(RequestContext request, Headers headers) {
        Optional<String> header = headers.first("Authorization");
        if (header.isEmpty()) {
          return Authentication.anonymous();
        }
        String login = header.get().replaceFirst("^Test ", "");
        if (header.get().startsWith("Basic ")) {
          String[] basic =
              new String(
                      Base64.getDecoder().decode(header.get().substring(6)), StandardCharsets.UTF_8)
                  .split(":", 2);
          byte[] given = basic[basic.length - 1].getBytes(StandardCharsets.UTF_8);
          byte[] expected = password(basic[0]).getBytes(StandardCharsets.UTF_8);
          if (basic.length < 2 || !MessageDigest.isEqual(given, expected)) {
            return Authentication.refused("wrong user name or password", challenge(request));
          }
          login = basic[0];
        }
        Identity identity = byName.get(login);
        return identity == null
            ? Authentication.refused("unknown test login", challenge(request))
            : Authentication.of(identity);
      }

      @Override
      public Optional<Challenge> challenge(RequestContext request) {
        return Optional.of(Challenge.basic("wharf-test"));
      }
    };
  }

  /** One response, its body read whole. */
  record Reply(int status, Headers headers, Bytes body) {
    String header(String name) {
      return headers.first(name).orElse("");
    }

    /** The error body's first code. */
    String code() {
      return ErrorResponse.parse(body).orElseThrow().errors().get(0).code();
    }
  }

  /** Requests to a registry called directly, as one caller. */
  record Caller(RegistryHandler registry, Optional<String> login) {

    static Caller anonymous(RegistryHandler registry) {
      return new Caller(registry, Optional.empty());
    }

    Caller as(String login) {
      return new Caller(registry, Optional.of(login));
    }

    Reply send(HttpMethod method, String target, Headers extra, Bytes body) throws IOException {
      Headers.Builder h = extra.toBuilder();
      login.ifPresent(l -> h.set("Authorization", "Test " + l));
      String[] parts = target.split("\\?", 2);
      RegistryResponse r =
          registry.handle(
              new RegistryRequest(
                  method,
                  parts[0],
                  parts.length > 1 ? parts[1] : "",
                  h.build(),
                  body.openStream()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (r.body().isPresent()) {
        r.body().get().writeTo(out);
      }
      return new Reply(r.status(), r.headers(), Bytes.of(out.toByteArray()));
    }

    Reply send(HttpMethod method, String target) throws IOException {
      return send(method, target, Headers.empty(), Bytes.empty());
    }

    /** Pushes {@code content} as a blob in one request (end-4b); the reply is the caller's. */
    Reply upload(String repo, Bytes content) throws IOException {
      String target = "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(content);
      return send(HttpMethod.POST, target, Headers.empty(), content);
    }

    /** Pushes an image of one layer holding {@code layer}, tagged {@code tag}; must succeed. */
    Digest pushImage(String repo, String tag, String layer) throws IOException {
      Bytes config = Bytes.utf8("{\"layer\":\"" + layer + "\"}");
      Bytes content = Bytes.utf8(layer);
      for (Bytes blob : List.of(config, content)) {
        assertThat(upload(repo, blob).status()).isEqualTo(201);
      }
      RawManifest m =
          ManifestCodec.defaults()
              .encode(
                  ImageManifest.of(
                      Descriptor.of(
                          MediaType.OCI_IMAGE_CONFIG, Digest.sha256(config), config.size()),
                      List.of(
                          Descriptor.of(
                              MediaType.OCI_LAYER_TAR, Digest.sha256(content), content.size()))));
      Reply put =
          send(
              HttpMethod.PUT,
              "/v2/" + repo + "/manifests/" + tag,
              Headers.builder().set("Content-Type", m.mediaType().value()).build(),
              m.bytes());
      assertThat(put.status()).as("push %s:%s: %s", repo, tag, put.body().utf8()).isEqualTo(201);
      return m.digest();
    }
  }
}
