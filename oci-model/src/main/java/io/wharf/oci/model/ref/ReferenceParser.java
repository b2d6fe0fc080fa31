package io.wharf.oci.model.ref;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses references. Immutable; each configuration is a value.
 *
 * <p>The grammar, after CNCF distribution's reference package:
 *
 * <pre>
 * reference        := name [ ":" tag ] [ "@" digest ]
 * name             := [domain "/"] remote-name
 * domain           := host [":" port-number]
 * host             := domain-name | IPv4address | "[" IPv6address "]"
 * domain-name      := domain-component ["." domain-component]*
 * domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 * port-number      := /[0-9]+/
 * remote-name      := path-component ["/" path-component]*
 * path-component   := alpha-numeric [separator alpha-numeric]*
 * alpha-numeric    := /[a-z0-9]+/
 * separator        := /[_.]|__|[-]+/
 * tag              := /[\w][\w.-]{0,127}/
 * digest           := algorithm ":" encoded     (see {@link Digest})
 * </pre>
 *
 * The first component is the domain when it contains {@code .} or {@code :} or is {@code
 * localhost}. {@link #strict()} requires one; {@link #docker()} applies Docker Hub's defaults:
 * {@code ubuntu} is {@code docker.io/library/ubuntu:latest}, {@code index.docker.io} is {@code
 * docker.io}.
 */
public final class ReferenceParser {

  /** The longest reference text accepted. */
  public static final int MAX_LENGTH =
      RegistryHost.MAX_LENGTH
          + 1
          + RepositoryName.MAX_LENGTH
          + 1
          + Tag.MAX_LENGTH
          + 1
          + Digest.MAX_LENGTH;

  private static final ReferenceParser STRICT = new ReferenceParser(null, false);
  private static final ReferenceParser DOCKER = new ReferenceParser(RegistryHost.DOCKER_HUB, true);
  private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");

  private final @Nullable RegistryHost defaultRegistry;
  private final boolean docker;

  private ReferenceParser(@Nullable RegistryHost defaultRegistry, boolean docker) {
    this.defaultRegistry = defaultRegistry;
    this.docker = docker;
  }

  /** The OCI grammar with an explicit registry host and no defaults. */
  public static ReferenceParser strict() {
    return STRICT;
  }

  /** Docker's rules: {@code docker.io}, {@code library/} and {@code :latest} are implied. */
  public static ReferenceParser docker() {
    return DOCKER;
  }

  /** This parser, with {@code registry} for names that have no registry host. */
  public ReferenceParser withDefaultRegistry(RegistryHost registry) {
    return new ReferenceParser(registry, docker);
  }

  /**
   * Parses {@code text}.
   *
   * @throws InvalidContentException {@code NAME_INVALID} (registry or repository), {@code
   *     TAG_INVALID} or {@code DIGEST_INVALID}, with a message that names the wrong part
   */
  public Reference parse(String text) {
    if (text.isEmpty()) {
      throw nameInvalid("reference is empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw nameInvalid("reference is longer than " + MAX_LENGTH + " characters");
    }
    String rest = text;
    Optional<Digest> digest = Optional.empty();
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Optional.of(Digest.parse(rest.substring(at + 1)));
      } catch (InvalidContentException e) {
        throw new InvalidContentException(
            ErrorCode.DIGEST_INVALID, "reference '" + text + "': " + e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    Optional<Tag> tag = Optional.empty();
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      String tagText = rest.substring(colon + 1);
      try {
        tag = Optional.of(new Tag(tagText));
      } catch (InvalidContentException e) {
        throw new InvalidContentException(
            ErrorCode.TAG_INVALID, "reference '" + text + "': " + e.getMessage());
      }
      rest = rest.substring(0, colon);
    }
    RegistryHost registry;
    String path;
    int slash = rest.indexOf('/');
    if (slash > 0 && RegistryHost.looksLikeHost(rest.substring(0, slash))) {
      try {
        registry = new RegistryHost(rest.substring(0, slash));
      } catch (InvalidContentException e) {
        throw nameInvalid("reference '" + text + "': " + e.getMessage());
      }
      path = rest.substring(slash + 1);
    } else if (defaultRegistry != null) {
      registry = defaultRegistry;
      path = rest;
    } else {
      throw nameInvalid(
          "reference '"
              + text
              + "' has no registry host: write host[:port]/repository, e.g. docker.io/library/"
              + rest);
    }
    if (docker) {
      if (registry.value().equals("index.docker.io")) {
        registry = RegistryHost.DOCKER_HUB;
      }
      if (registry.equals(RegistryHost.DOCKER_HUB) && path.indexOf('/') < 0) {
        if (HEX64.matcher(path).matches() && slash < 0) {
          throw nameInvalid(
              "reference '"
                  + text
                  + "' is a 64-character hex string, which Docker reserves for"
                  + " image IDs");
        }
        path = "library/" + path;
      }
      if (tag.isEmpty() && digest.isEmpty()) {
        tag = Optional.of(Tag.LATEST);
      }
    }
    RepositoryName repository;
    try {
      repository = new RepositoryName(path);
    } catch (InvalidContentException e) {
      throw nameInvalid("reference '" + text + "': " + e.getMessage());
    }
    return new Reference(registry, repository, tag, digest);
  }

  private static InvalidContentException nameInvalid(String message) {
    return new InvalidContentException(ErrorCode.NAME_INVALID, message);
  }
}
