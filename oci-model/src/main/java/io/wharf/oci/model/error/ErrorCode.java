package io.wharf.oci.model.error;

import java.util.Optional;

/**
 * The error codes of the OCI distribution-spec (code-1 … code-14) plus the few extras that CNCF
 * distribution sends. A closed set, so an enum; codes a remote registry invents are kept as strings
 * by {@link ErrorResponse}.
 */
public enum ErrorCode {
  /** code-1: blob unknown to registry. */
  BLOB_UNKNOWN(404, "blob unknown to registry"),
  /** code-2: blob upload invalid. */
  BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
  /** code-3: blob upload unknown to registry. */
  BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
  /** code-4: provided digest did not match uploaded content. */
  DIGEST_INVALID(400, "provided digest did not match uploaded content"),
  /** code-5: manifest references a manifest or blob unknown to registry. */
  MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
  /** code-6: manifest invalid. */
  MANIFEST_INVALID(400, "manifest invalid"),
  /** code-7: manifest unknown to registry. */
  MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
  /** code-8: invalid repository name. */
  NAME_INVALID(400, "invalid repository name"),
  /** code-9: repository name not known to registry. */
  NAME_UNKNOWN(404, "repository name not known to registry"),
  /** code-10: provided length did not match content length. */
  SIZE_INVALID(400, "provided length did not match content length"),
  /** code-11: authentication required. */
  UNAUTHORIZED(401, "authentication required"),
  /** code-12: requested access to the resource is denied. */
  DENIED(403, "requested access to the resource is denied"),
  /** code-13: the operation is unsupported. */
  UNSUPPORTED(405, "the operation is unsupported"),
  /** code-14: too many requests. */
  TOOMANYREQUESTS(429, "too many requests"),
  /** distribution extra: manifest tag did not match URI. */
  TAG_INVALID(400, "manifest tag did not match URI"),
  /** distribution extra: the requested range cannot be satisfied. */
  RANGE_INVALID(416, "invalid content range"),
  /** distribution extra: service unavailable. */
  UNAVAILABLE(503, "service unavailable"),
  /** distribution extra: unknown error. */
  UNKNOWN(500, "unknown error");

  private final int httpStatus;
  private final String description;

  ErrorCode(int httpStatus, String description) {
    this.httpStatus = httpStatus;
    this.description = description;
  }

  /** The HTTP status this code is sent with unless a handler overrides it (end-5 sends 416). */
  public int httpStatus() {
    return httpStatus;
  }

  /** The spec's short description of the code, used as the default message. */
  public String description() {
    return description;
  }

  /** Looks up a code by its wire name ({@code "BLOB_UNKNOWN"}); empty for codes we do not know. */
  public static Optional<ErrorCode> lookup(String wireName) {
    for (ErrorCode code : values()) {
      if (code.name().equals(wireName)) {
        return Optional.of(code);
      }
    }
    return Optional.empty();
  }
}
