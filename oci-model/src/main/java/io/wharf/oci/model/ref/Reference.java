package io.wharf.oci.model.ref;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.Optional;

/**
 * A reference to content in a registry: {@code registry "/" repository [":" tag] ["@" digest]}.
 * When both tag and digest are given, the digest decides what is fetched and the tag is kept for
 * information, as Docker does.
 *
 * <p>{@link #toString()} writes the full form, which {@link #parse} reads back to an equal value.
 * See {@link ReferenceParser} for the grammar and for Docker Hub's short forms.
 *
 * @param registry the registry host
 * @param repository the repository within it
 * @param tag the tag, if any
 * @param digest the digest, if any
 */
public record Reference(
    RegistryHost registry, RepositoryName repository, Optional<Tag> tag, Optional<Digest> digest) {

  /**
   * Parses a full reference with an explicit registry host, e.g. {@code
   * ghcr.io/org/app:1.0@sha256:…}. For Docker's short forms use {@link ReferenceParser#docker()}.
   *
   * @throws InvalidContentException with {@code NAME_INVALID}, {@code TAG_INVALID} or {@code
   *     DIGEST_INVALID}, whose message says which part is wrong
   */
  public static Reference parse(String text) {
    return ReferenceParser.strict().parse(text);
  }

  /** A reference to {@code repository} at {@code tag}. */
  public static Reference of(RegistryHost registry, RepositoryName repository, Tag tag) {
    return new Reference(registry, repository, Optional.of(tag), Optional.empty());
  }

  /** A reference to {@code repository} at {@code digest}. */
  public static Reference of(RegistryHost registry, RepositoryName repository, Digest digest) {
    return new Reference(registry, repository, Optional.empty(), Optional.of(digest));
  }

  /** This reference with {@code digest}; the tag is kept. */
  public Reference withDigest(Digest digest) {
    return new Reference(registry, repository, tag, Optional.of(digest));
  }

  /** This reference with {@code tag}; the digest is kept. */
  public Reference withTag(Tag tag) {
    return new Reference(registry, repository, Optional.of(tag), digest);
  }

  /** This reference to {@code tag} only: the digest is dropped. */
  public Reference atTag(Tag tag) {
    return new Reference(registry, repository, Optional.of(tag), Optional.empty());
  }

  /** This reference to {@code digest} only: the tag is dropped. */
  public Reference atDigest(Digest digest) {
    return new Reference(registry, repository, Optional.empty(), Optional.of(digest));
  }

  /** This reference to another repository of the same registry, with the same tag and digest. */
  public Reference withRepository(RepositoryName repository) {
    return new Reference(registry, repository, tag, digest);
  }

  /** Whether a tag or a digest is given. */
  public boolean hasIdentifier() {
    return tag.isPresent() || digest.isPresent();
  }

  /**
   * What to ask the registry for (distribution-spec {@code <reference>}): the digest if present,
   * else the tag.
   *
   * @throws IllegalStateException when the reference names neither
   */
  public String identifier() {
    if (digest.isPresent()) {
      return digest.get().toString();
    }
    return tag.map(Tag::value)
        .orElseThrow(
            () -> new IllegalStateException("reference " + this + " names no tag or digest"));
  }

  /** {@code registry/repository}. */
  public String name() {
    return registry + "/" + repository;
  }

  /**
   * The short form Docker shows: without {@code docker.io/} and {@code library/}, e.g. {@code
   * ubuntu:latest}.
   */
  public String familiarString() {
    String name;
    if (registry.equals(RegistryHost.DOCKER_HUB)) {
      String repo = repository.value();
      name = repo.startsWith("library/") && repo.indexOf('/', 8) < 0 ? repo.substring(8) : repo;
    } else {
      name = name();
    }
    return name + suffix();
  }

  private String suffix() {
    return tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
  }

  /** The full form, {@code registry/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    return name() + suffix();
  }
}
