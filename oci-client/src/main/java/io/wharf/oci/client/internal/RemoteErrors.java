package io.wharf.oci.client.internal;

import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.error.ErrorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;

/** The one place where a registry's error answer becomes a {@link RegistryClientException}. */
public final class RemoteErrors {

  private RemoteErrors() {}

  /**
   * Reads the error body (at most {@link ErrorResponse#MAX_BYTES}; a longer or unreadable body
   * counts as none), closes the response and makes the exception.
   */
  public static RegistryClientException toException(
      HttpResponse response, String method, String context, Clock clock) {
    List<ErrorResponse.Entry> errors = List.of();
    try (InputStream in = response.body()) {
      Bytes body = Bytes.of(in.readNBytes(ErrorResponse.MAX_BYTES));
      errors = ErrorResponse.parse(body).map(ErrorResponse::errors).orElse(List.of());
    } catch (IOException | RuntimeException e) {
      // an unreadable body is no body
    }
    try {
      response.close();
    } catch (IOException e) {
      // nothing to do
    }
    return new RegistryClientException(
        response.status(),
        method,
        Urls.redact(response.uri()),
        errors,
        response.header("Retry-After").flatMap(v -> RetryAfter.parse(v, clock)),
        context);
  }
}
