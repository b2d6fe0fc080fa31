package io.wharf.oci.model.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErrorResponseTest {

  @Test
  void readsTheTokenSpecExampleBody() {
    ErrorResponse body =
        ErrorResponse.parse(Fixtures.bytes("auth/token-spec/401-unauthorized-body.json"))
            .orElseThrow();
    assertThat(body.errors()).hasSize(1);
    ErrorResponse.Entry entry = body.errors().get(0);
    assertThat(entry.errorCode()).contains(ErrorCode.UNAUTHORIZED);
    assertThat(entry.message()).isNotBlank();
    assertThat(entry.detail()).isPresent();
  }

  @Test
  void keepsUnknownCodesAsStrings() {
    ErrorResponse body =
        ErrorResponse.parse(
                Bytes.utf8("{\"errors\":[{\"code\":\"QUOTA_EXCEEDED\",\"message\":\"full\"}]}"))
            .orElseThrow();
    assertThat(body.errors().get(0).code()).isEqualTo("QUOTA_EXCEEDED");
    assertThat(body.errors().get(0).errorCode()).isEmpty();
  }

  @Test
  void bodiesThatAreNotErrorBodiesGiveNothing() {
    for (String text : List.of("", "<html>502</html>", "{}", "{\"errors\":3}", "[1]")) {
      assertThat(ErrorResponse.parse(Bytes.utf8(text))).as(text).isEmpty();
    }
  }

  @Test
  void writesTheSpecShapeAndReadsItBack() {
    NotFoundException e =
        new NotFoundException(
            ErrorCode.BLOB_UNKNOWN, "blob unknown to registry", Map.of("digest", "sha256:x"));
    ErrorResponse body = ErrorResponse.of(e);
    assertThat(body.toJson().utf8())
        .isEqualTo(
            "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\","
                + "\"detail\":{\"digest\":\"sha256:x\"}}]}");
    assertThat(ErrorResponse.parse(body.toJson())).contains(body);
    assertThat(ErrorResponse.of(ErrorCode.DENIED).errors().get(0))
        .isEqualTo(
            new ErrorResponse.Entry(
                "DENIED", "requested access to the resource is denied", Optional.empty()));
  }

  @Test
  void everyCodeHasItsSpecStatus() {
    assertThat(ErrorCode.BLOB_UNKNOWN.httpStatus()).isEqualTo(404);
    assertThat(ErrorCode.DIGEST_INVALID.httpStatus()).isEqualTo(400);
    assertThat(ErrorCode.UNAUTHORIZED.httpStatus()).isEqualTo(401);
    assertThat(ErrorCode.DENIED.httpStatus()).isEqualTo(403);
    assertThat(ErrorCode.UNSUPPORTED.httpStatus()).isEqualTo(405);
    assertThat(ErrorCode.TOOMANYREQUESTS.httpStatus()).isEqualTo(429);
    assertThat(ErrorCode.lookup("NAME_UNKNOWN")).contains(ErrorCode.NAME_UNKNOWN);
    assertThat(new StorageException(ErrorCode.UNKNOWN, "disk").httpStatus()).isEqualTo(500);
  }
}
