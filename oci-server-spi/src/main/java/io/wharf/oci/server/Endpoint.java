package io.wharf.oci.server;

import static io.wharf.oci.server.HttpMethod.DELETE;
import static io.wharf.oci.server.HttpMethod.GET;
import static io.wharf.oci.server.HttpMethod.HEAD;
import static io.wharf.oci.server.HttpMethod.PATCH;
import static io.wharf.oci.server.HttpMethod.POST;
import static io.wharf.oci.server.HttpMethod.PUT;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The registry's endpoints: the distribution-spec's "Endpoints" table (its IDs in {@link
 * #specId()}) plus {@code _catalog}. This table is the one place that says which method and path
 * reach which endpoint, which query parameters tell its variants apart, and what {@link Action}
 * each needs: routing, dispatch and access control all read it, so adding an endpoint is adding an
 * entry here and its handler.
 *
 * <p>Path templates use the spec's placeholders: {@code <name>} is a repository name (it may
 * contain {@code /}), {@code <digest>}, {@code <reference>} (a tag or a digest) and {@code
 * <session>} (an upload session's id) are one path segment. A template ending in {@code /} matches
 * with or without it. Endpoints sharing a template and method are told apart by their {@link
 * #selectors()}: the first whose selector parameter is present wins, then the one without.
 */
public enum Endpoint {
  /** end-1: the API version check. */
  API_VERSION("end-1", "/v2/", Action.LOGIN, List.of(), GET, HEAD),
  /** end-2: a blob's bytes (whole or a range) or, with HEAD, its headers. */
  BLOB_GET("end-2", "/v2/<name>/blobs/<digest>", Action.PULL, List.of(), GET, HEAD),
  /** end-3: a manifest by tag or digest, or with HEAD its headers. */
  MANIFEST_GET("end-3", "/v2/<name>/manifests/<reference>", Action.PULL, List.of(), GET, HEAD),
  /** end-11: mounts a blob from another repository ({@code ?mount=<digest>&from=<name>}). */
  BLOB_MOUNT("end-11", "/v2/<name>/blobs/uploads/", Action.PUSH, List.of("mount"), POST),
  /** end-4b: uploads a blob in one request ({@code ?digest=<digest>}). */
  BLOB_UPLOAD("end-4b", "/v2/<name>/blobs/uploads/", Action.PUSH, List.of("digest"), POST),
  /** end-4c: starts an upload session digested with {@code ?digest-algorithm=<algorithm>}. */
  UPLOAD_START_WITH_ALGORITHM(
      "end-4c", "/v2/<name>/blobs/uploads/", Action.PUSH, List.of("digest-algorithm"), POST),
  /** end-4a: starts an upload session. */
  UPLOAD_START("end-4a", "/v2/<name>/blobs/uploads/", Action.PUSH, List.of(), POST),
  /** end-5: appends a chunk to an upload session. */
  UPLOAD_CHUNK("end-5", "/v2/<name>/blobs/uploads/<session>", Action.PUSH, List.of(), PATCH),
  /** end-6: finishes an upload session ({@code ?digest=<digest>}), with a last chunk or not. */
  UPLOAD_FINISH("end-6", "/v2/<name>/blobs/uploads/<session>", Action.PUSH, List.of(), PUT),
  /** end-13: where an upload session stands. */
  UPLOAD_STATUS("end-13", "/v2/<name>/blobs/uploads/<session>", Action.PUSH, List.of(), GET),
  /** end-14: cancels an upload session. */
  UPLOAD_CANCEL("end-14", "/v2/<name>/blobs/uploads/<session>", Action.PUSH, List.of(), DELETE),
  /** end-7b: pushes a manifest by digest with tags ({@code ?tag=a&tag=b}). */
  MANIFEST_PUT_WITH_TAGS(
      "end-7b", "/v2/<name>/manifests/<reference>", Action.PUSH, List.of("tag"), PUT),
  /** end-7a: pushes a manifest by tag or digest. */
  MANIFEST_PUT("end-7a", "/v2/<name>/manifests/<reference>", Action.PUSH, List.of(), PUT),
  /** end-8b: a page of the tags ({@code ?n=<count>&last=<tag>}). */
  TAGS_PAGE("end-8b", "/v2/<name>/tags/list", Action.PULL, List.of("n", "last"), GET, HEAD),
  /** end-8a: the tags of a repository. */
  TAGS_LIST("end-8a", "/v2/<name>/tags/list", Action.PULL, List.of(), GET, HEAD),
  /** end-9: deletes a manifest by digest (with its tags), or a tag. */
  MANIFEST_DELETE("end-9", "/v2/<name>/manifests/<reference>", Action.DELETE, List.of(), DELETE),
  /** end-10: unlinks a blob from a repository. */
  BLOB_DELETE("end-10", "/v2/<name>/blobs/<digest>", Action.DELETE, List.of(), DELETE),
  /** end-12b: the referrers of a manifest of one artifact type ({@code ?artifactType=<type>}). */
  REFERRERS_FILTERED(
      "end-12b", "/v2/<name>/referrers/<digest>", Action.PULL, List.of("artifactType"), GET),
  /** end-12a: the referrers of a manifest. */
  REFERRERS("end-12a", "/v2/<name>/referrers/<digest>", Action.PULL, List.of(), GET),
  /**
   * The repository list ({@code ?n=&last=}); not in the spec's table, served by most registries.
   */
  CATALOG("", "/v2/_catalog", Action.CATALOG, List.of(), GET);

  private final String specId;
  private final String pathTemplate;
  private final Action action;
  private final List<String> selectors;
  private final Set<HttpMethod> methods;

  Endpoint(
      String specId,
      String pathTemplate,
      Action action,
      List<String> selectors,
      HttpMethod first,
      HttpMethod... rest) {
    this.specId = specId;
    this.pathTemplate = pathTemplate;
    this.action = action;
    this.selectors = selectors;
    this.methods = EnumSet.of(first, rest);
  }

  /** The distribution-spec's ID, such as {@code end-4b}; empty for {@link #CATALOG}. */
  public Optional<String> specId() {
    return specId.isEmpty() ? Optional.empty() : Optional.of(specId);
  }

  /** The path template, such as {@code /v2/<name>/blobs/<digest>}. */
  public String pathTemplate() {
    return pathTemplate;
  }

  /** The methods that reach this endpoint. */
  public Set<HttpMethod> methods() {
    return EnumSet.copyOf(methods);
  }

  /** The action this endpoint needs on its repository (or on the registry). */
  public Action action() {
    return action;
  }

  /**
   * The query parameters whose presence selects this endpoint among those of the same template and
   * method (any one of them will do); empty for the plain variant.
   */
  public List<String> selectors() {
    return selectors;
  }

  /** Whether {@code method} reaches this endpoint. */
  public boolean allows(HttpMethod method) {
    return methods.contains(method);
  }
}
