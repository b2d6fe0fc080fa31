package io.wharf.oci.model.error;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.json.ErrorJson;
import java.util.List;
import java.util.Optional;

/**
 * The error body of distribution-spec "Error Codes": {@code
 * {"errors":[{"code","message","detail"}]}}. Codes are kept as strings, so that codes a registry
 * invents survive; {@link Entry#errorCode()} maps the ones we know.
 *
 * @param errors the errors, at least one when sent by a registry
 */
public record ErrorResponse(List<Entry> errors) {

  /** The largest error body parsed, in bytes; larger bodies are cut. */
  public static final int MAX_BYTES = 64 * 1024;

  /** Copies. */
  public ErrorResponse {
    errors = List.copyOf(errors);
  }

  /**
   * One error.
   *
   * @param code the error code as sent, e.g. {@code BLOB_UNKNOWN}
   * @param message a message for people
   * @param detail unstructured detail: plain Java values (maps, lists, strings, numbers, booleans)
   */
  public record Entry(String code, String message, Optional<Object> detail) {

    /** The code, when it is one of the spec's or distribution's. */
    public Optional<ErrorCode> errorCode() {
      return ErrorCode.lookup(code);
    }
  }

  /** The body for one exception. */
  public static ErrorResponse of(OciException e) {
    String message = e.getMessage() == null ? e.code().description() : e.getMessage();
    return new ErrorResponse(List.of(new Entry(e.code().name(), message, e.detail())));
  }

  /** The body for one code with its default message. */
  public static ErrorResponse of(ErrorCode code) {
    return new ErrorResponse(List.of(new Entry(code.name(), code.description(), Optional.empty())));
  }

  /** The JSON bytes of this body. */
  public Bytes toJson() {
    return ErrorJson.encode(this);
  }

  /**
   * Parses an error body leniently: what is not an error body gives an empty result rather than an
   * exception, since registries and proxies send all kinds of bodies with error statuses.
   */
  public static Optional<ErrorResponse> parse(Bytes body) {
    return ErrorJson.decode(body);
  }
}
