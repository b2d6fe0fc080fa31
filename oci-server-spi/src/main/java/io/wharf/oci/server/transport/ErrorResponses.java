package io.wharf.oci.server.transport;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.ErrorResponse;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.server.Headers;
import io.wharf.oci.server.RegistryResponse;
import java.util.List;
import java.util.Optional;

/**
 * The one place where error responses are made: the distribution-spec's JSON body ({@code
 * {"errors":[{"code","message","detail"}]}}) with the error's status, {@code Content-Type:
 * application/json} and {@code Docker-Distribution-API-Version}. The engine and both transports
 * answer every failure through here. For the engine and transports, not for applications.
 */
public final class ErrorResponses {

  /** The API version header every response carries. */
  public static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";

  /** Its value. */
  public static final String API_VERSION = "registry/2.0";

  private ErrorResponses() {}

  /**
   * The response for {@code e}, with {@code extra} headers (a challenge, {@code Allow}); without a
   * body for a {@code HEAD} request, whose {@code Content-Length} still says what a GET would get.
   */
  public static RegistryResponse of(OciException e, boolean head, Headers extra) {
    return render(e.httpStatus(), ErrorResponse.of(e).toJson(), head, extra);
  }

  /** A response with one error of {@code code}, for failures outside the engine. */
  public static RegistryResponse of(int status, ErrorCode code, String message) {
    Bytes body =
        new ErrorResponse(List.of(new ErrorResponse.Entry(code.name(), message, Optional.empty())))
            .toJson();
    return render(status, body, false, Headers.empty());
  }

  private static RegistryResponse render(int status, Bytes body, boolean head, Headers extra) {
    Headers.Builder h = extra.toBuilder();
    h.set("Content-Type", "application/json").set(API_VERSION_HEADER, API_VERSION);
    if (head) {
      h.set("Content-Length", Long.toString(body.size()));
      return RegistryResponse.of(status, h.build());
    }
    return RegistryResponse.of(status, h.build(), body);
  }
}
