package io.wharf.oci.policy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.policy.scanner.ApiVersion;
import io.wharf.oci.policy.scanner.ScannerMediaTypes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The test adapter's checks are live: it reads both OpenAPI files (the v1.2 file with exactly its
 * two known slips), and records requests and its own answers that break them.
 */
class TestScannerAdapterTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theOpenApiFilesLoad_v12WithExactlyItsTwoKnownSlips() {
    assertThat(TestScannerAdapter.parse(ApiVersion.V1_1).getMessages()).isEmpty();
    assertThat(TestScannerAdapter.parse(ApiVersion.V1_2).getMessages())
        .containsExactlyInAnyOrderElementsOf(TestScannerAdapter.KNOWN_SPEC_SLIPS);
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  void anAnswerThatBreaksTheOpenApiFileIsRecorded(ApiVersion version) throws Exception {
    try (TestScannerAdapter adapter =
        TestScannerAdapter.builder()
            .version(version)
            .metadata(Bytes.utf8("{\"scanner\":{\"name\":\"x\"}}"))
            .start()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(adapter.uri() + "/api/v1/metadata")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(adapter.violations())
          .singleElement()
          .satisfies(v -> assertThat(v).contains("answer 200", "capabilities"));
    }
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  void aScanRequestOfAnotherMediaTypeIsRefused(ApiVersion version) throws Exception {
    try (TestScannerAdapter adapter = TestScannerAdapter.builder().version(version).start()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(adapter.uri() + "/api/v1/scan"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"registry\":{\"url\":\"http://r\"},\"artifact\":{}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type"))
          .contains(ScannerMediaTypes.ERROR_V1_0.value());
      assertThat(adapter.violations()).isNotEmpty();
    }
  }

  @Test
  void aScanRequestWithAFieldOfTheWrongTypeIsRefused() throws Exception {
    try (TestScannerAdapter adapter = TestScannerAdapter.builder().start()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(adapter.uri() + "/api/v1/scan"))
                  .header("Content-Type", ScannerMediaTypes.SCAN_REQUEST_V1_1.value())
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"registry\":{\"url\":\"http://r\"},\"artifact\":{\"digest\":7},"
                              + "\"enabled_capabilities\":[{\"type\":\"antivirus\"}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(String.join("\n", adapter.violations())).contains("digest", "antivirus");
    }
  }
}
